/** `loadtest worker --relay URL --token T [--id name]` — joins a coordinator's run. */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from '../command.js';
import { parseFlagsOnly } from '../args.js';
import { UsageError } from '../../errors.js';
import { ExitCode } from '../../errors.js';

const usage = `Usage: loadtest worker --relay <url> --token <token> [options]

Joins the run of the coordinator that printed <url> and <token>: registers, takes
its share of the plan, runs it from the common start instant and reports back.
The plan comes from the coordinator; --plan only makes the coordinator refuse this
worker if its own copy differs.

Options:
  --relay <url>        Relay URL printed by 'loadtest coordinator' (required)
  --token <token>      Relay token (or env LOADTEST_RELAY_TOKEN)
  --id <name>          Worker id, unique in the run (default: <hostname>-<pid>)
  --plan <file>        Local copy of the plan, checked against the coordinator's
  --base-dir <dir>     Directory the plan's data files are relative to (default: cwd)
  --max-vus <n>        Most VUs this worker takes on (default: 1000 per core)
  --allow-env <names>  Env names the coordinator's plan may read here (comma-separated;
                       default none: the plan comes from whoever answers at --relay)
  --allow-path <dirs>  Folders besides --base-dir its data files may come from
  --relay-ca <file>    PEM CA certificate to trust for an https:// relay (or set
                       NODE_EXTRA_CA_CERTS)
  --clock-skew-ms <n>  Testing aid: pretend this machine's clock is off by n ms
`;

export const command: Command = {
  name: 'worker',
  summary: 'Join a distributed run as a worker',
  usage,
  async run(argv, io) {
    const values = parseFlagsOnly(
      'worker',
      argv,
      {
      relay: { type: 'string' },
      token: { type: 'string' },
      id: { type: 'string' },
      plan: { type: 'string' },
      'base-dir': { type: 'string' },
      'max-vus': { type: 'string' },
      'allow-env': { type: 'string' },
      'allow-path': { type: 'string' },
      'relay-ca': { type: 'string' },
      'clock-skew-ms': { type: 'string' },
      },
      '; the plan comes from the coordinator',
    );
    const relayUrl = values.relay as string | undefined;
    if (!relayUrl) throw new UsageError("worker needs --relay <url> (the URL 'loadtest coordinator' printed)");
    if (!/^https?:\/\/[^/]+/.test(relayUrl)) throw new UsageError(`--relay: not an http(s) URL (got '${relayUrl}')`);
    const token = (values.token as string | undefined) ?? io.env.LOADTEST_RELAY_TOKEN;
    if (!token) throw new UsageError('worker needs --token <token> (or LOADTEST_RELAY_TOKEN)');
    const int = (name: string, allowNegative = false): number | undefined => {
      const raw = values[name] as string | undefined;
      if (raw === undefined) return undefined;
      const n = Number(raw);
      if (!Number.isInteger(n) || (!allowNegative && n <= 0)) throw new UsageError(`--${name}: must be a ${allowNegative ? '' : 'positive '}whole number (got '${raw}')`);
      return n;
    };
    const maxVus = int('max-vus');
    const skewMs = int('clock-skew-ms', true) ?? 0;
    const id = values.id as string | undefined;
    if (id !== undefined && !/^[A-Za-z0-9._:@-]{1,128}$/.test(id)) throw new UsageError(`--id: use letters, digits and . _ : @ - (got '${id}')`);

    const { createHttpRelayClient } = await import('../../cluster/http-relay-client.js');
    const { runWorker } = await import('../../cluster/worker.js');
    const { parseEnvNames, parsePaths } = await import('../../plan/trust.js');
    const allowEnv = parseEnvNames(values['allow-env'] as string | undefined, '--allow-env');
    const allowPaths = parsePaths(values['allow-path'] as string | undefined, io.cwd);
    let ca: Buffer | undefined;
    if (values['relay-ca']) {
      try {
        ca = readFileSync(resolve(io.cwd, values['relay-ca'] as string));
      } catch (err) {
        throw new UsageError(`--relay-ca: cannot read ${values['relay-ca'] as string}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
      }
    }
    let planHash: string | undefined;
    if (values.plan) {
      const { loadPlanFile } = await import('../../plan/load.js');
      planHash = loadPlanFile(resolve(io.cwd, values.plan as string), { env: io.env, allowEnv, allowPaths }).hash;
    }
    const log = (line: string) => io.stderr.write(`${line}\n`);
    // Local clusters tie workers to the parent: its death closes our stdin.
    const parent = new AbortController();
    const parentPiped = io.env.LOADTEST_PARENT_PIPE === '1';
    const onParentGone = () => parent.abort(new Error('parent process gone'));
    if (parentPiped) {
      process.stdin.on('end', onParentGone);
      process.stdin.on('close', onParentGone);
      process.stdin.resume();
    }
    try {
      const out = await runWorker({
        transport: createHttpRelayClient({ url: relayUrl, token, log, ca }),
        workerId: id,
        capacity: maxVus ? { maxVus } : undefined,
        planHash,
        nowMs: skewMs ? () => performance.timeOrigin + performance.now() + skewMs : undefined,
        env: io.env,
        allowEnv,
        allowPaths,
        baseDir: resolve(io.cwd, (values['base-dir'] as string | undefined) ?? '.'),
        signal: AbortSignal.any([io.signal, parent.signal]),
        giveUpMs: parentPiped ? 10_000 : undefined,
        log,
      });
      const c = out.engine.metrics.total.counters;
      io.stdout.write(`worker ${out.workerId}: done — ${c.requests} requests, ${c.errors} errors; clock offset ${out.clock.offsetMs.toFixed(1)} ms\n`);
      return out.engine.aborted?.planError ? ExitCode.usage : out.engine.aborted?.bySignal ? ExitCode.aborted : ExitCode.passed;
    } finally {
      if (parentPiped) {
        process.stdin.off('end', onParentGone);
        process.stdin.off('close', onParentGone);
        process.stdin.pause();
        process.stdin.destroy();
      }
    }
  },
};
