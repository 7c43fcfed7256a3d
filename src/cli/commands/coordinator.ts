/** `loadtest coordinator plan.yaml --workers N` — hosts the relay and coordinates a distributed run. */
import { readFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import type { Command } from '../command.js';
import { parseCommandArgs } from '../args.js';
import { cliHelp, cliParseConfig, validateOptions } from '../../options.js';
import { PlanError, UsageError } from '../../errors.js';
import { Progress, finalTable } from '../progress.js';
import { checkOutputs, writeOutputs } from '../outputs.js';

const usage = `Usage: loadtest coordinator <plan.yaml> --workers N [options]

Hosts the HTTP relay, waits for N workers ('loadtest worker --relay URL --token T'),
gives each its share of the plan and one start instant, merges their live
measurements and writes the result. Prints one machine-readable line first:
  relay: http://HOST:PORT token: TOKEN
(TOKEN is '<given>' when --token or LOADTEST_RELAY_TOKEN set it; in a GitHub job a
'::add-mask::' line comes first, so the runner hides it from every later line.)
Prometheus metrics: GET /metrics on the relay, with 'Authorization: Bearer TOKEN'.
Exit codes: 0 passed, 99 thresholds failed, 2 invalid plan or usage, 105 aborted, 1 error.

Options:
  --listen <host:port>            Where the relay listens (default 127.0.0.1:0 — loopback, any port)
  --token <token>                 Use this token instead of a random one (env LOADTEST_RELAY_TOKEN)
  --tls-cert <file>               Serve the relay over https with this PEM certificate…
  --tls-key <file>                …and this PEM key (workers: --relay-ca or NODE_EXTRA_CA_CERTS)
${cliHelp()}
`;

/** Parses `host:port` (IPv6 in brackets). */
export function parseListen(text: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]+)):(\d{1,5})$/.exec(text);
  const port = m ? Number(m[3]) : NaN;
  if (!m || port > 65535) throw new UsageError(`--listen: expected host:port, e.g. 127.0.0.1:0 or 0.0.0.0:8089 (got '${text}')`);
  return { host: m[1] ?? m[2], port };
}

export const command: Command = {
  name: 'coordinator',
  summary: 'Coordinate a distributed run (hosts the relay workers join)',
  usage,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs('coordinator', argv, cliParseConfig({ listen: { type: 'string' }, token: { type: 'string' }, 'tls-cert': { type: 'string' }, 'tls-key': { type: 'string' } }));
    if (positionals.length !== 1) throw new UsageError(`coordinator takes exactly one plan file (got ${positionals.length ? positionals.map((p) => `'${p}'`).join(' ') : 'none'})`);
    const { listen, token: tokenFlag, 'tls-cert': tlsCert, 'tls-key': tlsKey, ...rest } = values as Record<string, string | boolean | undefined>;
    if ((tlsCert === undefined) !== (tlsKey === undefined)) throw new UsageError('--tls-cert and --tls-key go together (a PEM certificate and its key)');
    const readPem = (flag: string, path: string) => {
      try {
        return readFileSync(resolve(io.cwd, path));
      } catch (err) {
        throw new UsageError(`--${flag}: cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
      }
    };
    const tls = tlsCert ? { cert: readPem('tls-cert', tlsCert as string), key: readPem('tls-key', tlsKey as string) } : undefined;
    const opts = validateOptions(rest, 'cli');
    const { host, port } = parseListen((listen as string | undefined) ?? '127.0.0.1:0');
    const workers = opts.workers as number;
    if (!(workers >= 1)) throw new UsageError(`--workers: need at least 1 (got ${workers})`);
    const abs = resolve(io.cwd, positionals[0]);
    let text: string;
    try {
      text = readFileSync(abs, 'utf8');
    } catch (err) {
      throw new PlanError(`cannot read plan ${positionals[0]}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`, { cause: err });
    }
    const { loadPlan } = await import('../../plan/load.js');
    const { applyOverrides } = await import('../../plan/overrides.js');
    const { createHttpRelayServer } = await import('../../cluster/http-relay-server.js');
    const { runCoordinator } = await import('../../cluster/coordinator.js');
    const { newToken } = await import('../../cluster/token.js');
    const file = relative(io.cwd, abs) || abs;
    const overrides = { vus: opts.vus as number | undefined, durationMs: opts.duration as number | undefined, target: opts.target as string | undefined };
    const { cliTrust } = await import('./run.js');
    const plan = applyOverrides(loadPlan(text, file, { env: io.env, baseDir: dirname(abs), ...cliTrust(opts) }), overrides);
    checkOutputs(opts, io.cwd);
    if (tokenFlag === '') throw new UsageError('--token: must not be empty');
    // An empty LOADTEST_RELAY_TOKEN is unset (an empty token would let anyone in).
    const envToken = io.env.LOADTEST_RELAY_TOKEN || undefined;
    const token = (tokenFlag as string | undefined) ?? envToken ?? newToken();
    const log = (line: string) => io.stderr.write(`${line}\n`);
    let expose: (() => Promise<{ contentType: string; body: string }>) | undefined;
    const relay = createHttpRelayServer({ host, port, token, log, tls, metrics: async () => (expose ? expose() : { contentType: 'text/plain', body: '' }) });
    const progress = opts.quiet ? undefined : new Progress(io.stdout, Date.now());
    // The live dashboard is the same page as the report, fed by the merged snapshots.
    const dashboard = opts.dashboard ? await (await import('../../report/dashboard.js')).startDashboard({ port: opts.dashboardPort as number, plan }) : undefined;
    if (dashboard) io.stderr.write(`dashboard: ${dashboard.url}\n`);
    try {
      const { result } = await runCoordinator({
        plan,
        planSource: { text, file },
        overrides,
        transport: relay,
        workers,
        minWorkers: opts.minWorkers as number | undefined,
        waitMs: opts.wait as number | undefined,
        signal: io.signal,
        log,
        onMetrics: (e) => (expose = e),
        onProgress: (snap, vus) => {
          progress?.update(snap, vus);
          dashboard?.publish(snap);
        },
        onListening: () => {
          // Once, and only a token this process made up: one given to it is known to whoever
          // gave it. In a GitHub job the runner masks it from every later log line.
          const given = tokenFlag !== undefined || envToken !== undefined;
          if (!given && io.env.GITHUB_ACTIONS === 'true') io.stdout.write(`::add-mask::${token}\n`);
          io.stdout.write(`relay: ${relay.url} token: ${given ? '<given>' : token}\n`);
          log(`waiting for ${workers} worker(s): loadtest worker --relay ${relay.url} --token <token>`);
        },
      });
      progress?.finish();
      await writeOutputs(result, opts, io.cwd);
      io.stdout.write(finalTable(result));
      return result.run.exit_code;
    } finally {
      await dashboard?.close();
      await relay.close();
    }
  },
};
