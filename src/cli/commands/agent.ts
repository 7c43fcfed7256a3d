/** `loadtest agent --controller URL --token T` — a long-lived agent of a controller. */
import { hostname } from 'node:os';
import type { Command } from '../command.js';
import { parseFlagsOnly } from '../args.js';
import { UsageError } from '../../errors.js';
import { controllerRef } from '../../service/client.js';

const usage = `Usage: loadtest agent --controller URL --token T [--id NAME] [--max-vus N]

Stays connected to a controller ('loadtest serve'), takes shards of its queued runs
through the worker protocol, reconnects when the controller restarts, and on SIGTERM
stops its shard (sending the partial result) and exits 0.

Options:
  --controller <url>  The controller (or env LOADTEST_CONTROLLER)
  --token <token>     Its token (or env LOADTEST_TOKEN)
  --id <name>         Agent id, unique among the agents (default: <hostname>-<pid>)
  --max-vus <n>       Most VUs this agent takes on (default: 1000 per core)
`;

/** The flags of `loadtest agent` (also read by the test of examples/kubernetes). */
export const AGENT_FLAGS = { controller: { type: 'string' }, token: { type: 'string' }, id: { type: 'string' }, 'max-vus': { type: 'string' } } as const;

export const command: Command = {
  name: 'agent',
  summary: "Serve a controller's runs as a long-lived agent",
  usage,
  async run(argv, io) {
    const values = parseFlagsOnly('agent', argv, AGENT_FLAGS);
    const ref = controllerRef(values, io.env, 'agent');
    const id = (values.id as string | undefined) ?? `${hostname().replace(/[^A-Za-z0-9._:@-]/g, '-')}-${process.pid}`;
    if (!/^[A-Za-z0-9._:@-]{1,128}$/.test(id)) throw new UsageError(`--id: use letters, digits and . _ : @ - (got '${id}')`);
    const raw = values['max-vus'] as string | undefined;
    const maxVus = raw === undefined ? undefined : Number(raw);
    if (maxVus !== undefined && !(Number.isInteger(maxVus) && maxVus > 0)) throw new UsageError(`--max-vus: must be a positive whole number (got '${raw}')`);
    const { runAgent } = await import('../../service/agent.js');
    io.stdout.write(`agent ${id}: serving ${ref.url}\n`);
    const out = await runAgent({ controller: ref.url, token: ref.token, id, capacity: maxVus ? { maxVus } : undefined, signal: io.signal, log: (l) => io.stderr.write(`${l}\n`) });
    io.stdout.write(`agent ${id}: stopped after ${out.runs} run(s)\n`);
    return 0;
  },
};
