/** `loadtest serve` — the long-running controller (src/service). */
import { resolve } from 'node:path';
import type { Command } from '../command.js';
import { parseFlagsOnly } from '../args.js';
import { parseListen } from './coordinator.js';

const usage = `Usage: loadtest serve [--listen 127.0.0.1:8700] [--db loadtest.db] [--token T]

The controller: keeps scenarios, runs, their snapshots and results in an SQLite
file, queues runs until enough agents ('loadtest agent') are free, and serves the
REST API (every request needs 'Authorization: Bearer TOKEN'). Prints first:
  controller: http://HOST:PORT token: TOKEN

Options:
  --listen <host:port>  Where to listen (default 127.0.0.1:8700 — loopback)
  --db <file>           Database file (default loadtest.db; ':memory:' keeps nothing)
  --token <token>       API token (default: env LOADTEST_TOKEN, else a random one)
`;

/** The flags of `loadtest serve` (also read by the test of examples/kubernetes). */
export const SERVE_FLAGS = { listen: { type: 'string' }, db: { type: 'string' }, token: { type: 'string' } } as const;

export const command: Command = {
  name: 'serve',
  summary: 'Run the controller: stored scenarios and runs, REST API, long-lived agents',
  usage,
  async run(argv, io) {
    const values = parseFlagsOnly('serve', argv, SERVE_FLAGS);
    const { host, port } = parseListen((values.listen as string | undefined) ?? '127.0.0.1:8700');
    const db = (values.db as string | undefined) ?? 'loadtest.db';
    const { startController } = await import('../../service/controller.js');
    const log = (line: string) => io.stderr.write(`${line}\n`);
    const c = await startController({ host, port, dbPath: db === ':memory:' ? db : resolve(io.cwd, db), token: (values.token as string | undefined) ?? io.env.LOADTEST_TOKEN, log });
    io.stdout.write(`controller: ${c.url} token: ${c.token}\n`);
    log(`agents join with: loadtest agent --controller ${c.url} --token <token>`);
    await new Promise<void>((r) => (io.signal.aborted ? r() : io.signal.addEventListener('abort', () => r(), { once: true })));
    await c.close();
    return 0;
  },
};
