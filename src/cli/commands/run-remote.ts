/**
 * `loadtest run plan.yaml --controller URL`: submits the plan to a controller, streams
 * its merged snapshots into the same progress table as a local run, then fetches the
 * Result and writes the same outputs, with the same exit codes. `--no-stream` prints
 * the run id and exits 0.
 */
import { readFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { request } from 'undici';
import type { CliIO } from '../command.js';
import type { OptionValues } from '../../options.js';
import { LtError, PlanError } from '../../errors.js';
import type { Snapshot } from '../../metrics/types.js';
import type { Result } from '../../report/result-schema.js';
import { callApi, callJson, type ControllerRef } from '../../service/client.js';
import { Progress, finalTable } from '../progress.js';
import { checkOutputs, writeOutputs } from '../outputs.js';

/** Reads the run's SSE stream until its `end` event; each snapshot goes to `onSnapshot`. */
async function follow(ref: ControllerRef, runId: string, onSnapshot: (s: Snapshot, vus: number) => void, signal: AbortSignal): Promise<void> {
  const res = await request(`${ref.url}/runs/${encodeURIComponent(runId)}/metrics`, {
    headers: { authorization: `Bearer ${ref.token}` },
    signal,
    headersTimeout: 10_000,
    // The controller writes at least every 5 s (keep-alive): silence this long means it is gone.
    bodyTimeout: 20_000,
  });
  if (res.statusCode !== 200) throw new LtError('LT_ERR_API', `controller answered ${res.statusCode} to the metrics stream: ${(await res.body.text()).slice(0, 300)}`);
  let buf = '';
  for await (const chunk of res.body) {
    buf += chunk.toString();
    let i: number;
    while ((i = buf.indexOf('\n\n')) >= 0) {
      const block = buf.slice(0, i);
      buf = buf.slice(i + 2);
      const event = /^event: (.*)$/m.exec(block)?.[1];
      const data = /^data: (.*)$/m.exec(block)?.[1];
      if (event === 'end') return;
      if (event === 'snapshot' && data) {
        const { snapshot, activeVus } = JSON.parse(data) as { snapshot: Snapshot; activeVus: number };
        onSnapshot(snapshot, activeVus);
      }
    }
  }
}

/** Submits and (unless --no-stream) follows a run; resolves to the exit code. */
export async function runRemote(planPath: string, opts: OptionValues, ref: ControllerRef, noStream: boolean, io: CliIO): Promise<number> {
  const abs = resolve(io.cwd, planPath);
  let text: string;
  try {
    text = readFileSync(abs, 'utf8');
  } catch (err) {
    throw new PlanError(`cannot read plan ${planPath}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`, { cause: err });
  }
  checkOutputs(opts, io.cwd);
  const file = relative(io.cwd, abs) || abs;
  const body = {
    plan: text,
    workers: (opts.workers as number | undefined) ?? 1,
    ...(opts.target ? { target: opts.target } : {}),
    overrides: { ...(opts.vus ? { vus: opts.vus } : {}), ...(opts.duration ? { duration_ms: opts.duration } : {}) },
  };
  let run: { id: string; status: string };
  try {
    run = await callJson<{ id: string; status: string }>(ref, 'POST', `/runs?file=${encodeURIComponent(file)}`, body);
  } catch (err) {
    // The controller's plan message is the same located one as a local run's: exit 2.
    if (err instanceof LtError && /\(plan_invalid\)$/.test(err.message)) throw new PlanError(err.message.replace(/^controller answered 400 to POST \S+: /, '').replace(/ \(plan_invalid\)$/, ''), { cause: err });
    throw err;
  }
  if (noStream) {
    io.stdout.write(`${run.id}\n`);
    return 0;
  }
  io.stderr.write(`run ${run.id} ${run.status} on ${ref.url}\n`);
  const progress = opts.quiet ? undefined : new Progress(io.stdout, Date.now());
  const onAbort = () => void callApi(ref, 'POST', `/runs/${run.id}/abort`).catch(() => undefined);
  io.signal.addEventListener('abort', onAbort, { once: true });
  try {
    await follow(ref, run.id, (s, vus) => progress?.update(s, vus), AbortSignal.timeout(24 * 3600_000));
  } finally {
    io.signal.removeEventListener('abort', onAbort);
  }
  progress?.finish();
  const view = await callJson<{ status: string; reason: string | null }>(ref, 'GET', `/runs/${run.id}`);
  if (view.status === 'failed') throw new LtError('LT_ERR_CLUSTER', `run ${run.id} failed on the controller: ${view.reason ?? 'no reason given'}`);
  const result = JSON.parse(await callApi(ref, 'GET', `/runs/${run.id}/report?format=json`)) as Result;
  await writeOutputs(result, opts, io.cwd);
  io.stdout.write(finalTable(result));
  return result.run.exit_code;
}
