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
Prometheus metrics: GET /metrics on the relay, with 'Authorization: Bearer TOKEN'.
Exit codes: 0 passed, 99 thresholds failed, 2 invalid plan or usage, 105 aborted, 1 error.

Options:
  --listen <host:port>            Where the relay listens (default 127.0.0.1:0 — loopback, any port)
  --token <token>                 Use this token instead of a random one (env LOADTEST_RELAY_TOKEN)
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
    const { values, positionals } = parseCommandArgs('coordinator', argv, cliParseConfig({ listen: { type: 'string' }, token: { type: 'string' } }));
    if (positionals.length !== 1) throw new UsageError(`coordinator takes exactly one plan file (got ${positionals.length ? positionals.map((p) => `'${p}'`).join(' ') : 'none'})`);
    const { listen, token: tokenFlag, ...rest } = values as Record<string, string | boolean | undefined>;
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
    const plan = applyOverrides(loadPlan(text, file, { env: io.env, baseDir: dirname(abs) }), overrides);
    checkOutputs(opts, io.cwd);
    const token = (tokenFlag as string | undefined) ?? io.env.LOADTEST_RELAY_TOKEN ?? newToken();
    const log = (line: string) => io.stderr.write(`${line}\n`);
    let expose: (() => Promise<{ contentType: string; body: string }>) | undefined;
    const relay = createHttpRelayServer({ host, port, token, log, metrics: async () => (expose ? expose() : { contentType: 'text/plain', body: '' }) });
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
          io.stdout.write(`relay: ${relay.url} token: ${token}\n`);
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
