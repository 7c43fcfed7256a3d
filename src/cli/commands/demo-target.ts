/**
 * `loadtest demo-target [--port 8080] [--host 127.0.0.1] [--quiet]` — runs the built-in
 * demo target (src/demo/target.ts) until SIGINT/SIGTERM, then closes it and exits 0.
 * Port 8080 by default because the seed's example plans call http://localhost:8080.
 */
import type { Command } from '../command.js';
import { parseFlagsOnly } from '../args.js';
import { UsageError } from '../../errors.js';
import { startDemoTarget } from '../../demo/target.js';

const DEFAULT_PORT = 8080;

/** `--port` as an integer in 0..65535 (0 = any free port). */
function parsePort(raw: string | undefined): number {
  if (raw === undefined) return DEFAULT_PORT;
  const n = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || n > 65535) throw new UsageError(`--port must be an integer from 0 to 65535 (got '${raw}')`);
  return n;
}

export const command: Command = {
  name: 'demo-target',
  summary: 'Serve the built-in demo target (fast/slow/flaky/stall endpoints, a demo shop)',
  usage: `Usage: loadtest demo-target [--port ${DEFAULT_PORT}] [--host 127.0.0.1] [--quiet]

Serves the demo target until interrupted (Ctrl-C / SIGTERM). With the default host it
answers on 127.0.0.1 and ::1, so http://localhost:${DEFAULT_PORT} works. --port 0 picks a
free port; the first line printed is 'demo target listening on <url>'.

Endpoints: / /healthz /fast /slow?ms= /flaky?fail=&status= /stall?every=&for=
/latency?ladder=10x50,30x40 /status/<code> /bytes?n= /redirect?to= /headers /echo
/cookies/set?name=&value=&path=&domain=&max_age= /cookies /api/users /api/orders
/api/checkout /api/reports/summary, and the shop: /shop/login /shop/products
/shop/cart /shop/checkout /shop/logout (user demo, password demo).
`,
  async run(argv, io) {
    const values = parseFlagsOnly('demo-target', argv, { port: { type: 'string', short: 'p' }, host: { type: 'string' }, quiet: { type: 'boolean' } });
    const port = parsePort(values.port as string | undefined);
    const host = values.host as string | undefined;
    if (host !== undefined && host.trim() === '') throw new UsageError('--host must not be empty');
    const target = await startDemoTarget({ port, host, quiet: Boolean(values.quiet) });
    io.stdout.write(`demo target listening on ${target.url}\n`);
    try {
      await new Promise<void>((resolve) => {
        if (io.signal.aborted) return resolve();
        io.signal.addEventListener('abort', () => resolve(), { once: true });
      });
    } finally {
      await target.close();
    }
    if (!values.quiet) io.stderr.write('demo target stopped\n');
    return 0;
  },
};
