/**
 * What every result-producing mode does at the end: files, job summary, outputs,
 * the result artifact, the PR comment (with the baseline comparison), and the step's
 * verdict. A fork PR's read-only token degrades to a summary notice, never a failure.
 */
import * as core from '@actions/core';
import { DefaultArtifactClient } from '@actions/artifact';
import type { OptionValues } from '../options.js';
import type { Result } from '../report/result-schema.js';
import { render } from '../report/render.js';
import { writeResultFiles } from './main.js';
import type { Comparison, CompareRow } from '../report/compare.js';
import { comparisonHeadline } from '../report/compare-text.js';
import { partialMessage } from '../report/planned-load.js';
import { capacityOutput } from '../report/capacity-view.js';

/** The `summary` output: the figures a later step most often wants. */
export function summaryOutput(result: Result): Record<string, unknown> {
  const pick = (s: Result['summary']) => ({
    requests: s.requests,
    rps: +s.rps.toFixed(3),
    error_rate: +s.error_rate.toFixed(6),
    p50: s.latency_ms.p50,
    p95: s.latency_ms.p95,
    p99: s.latency_ms.p99,
  });
  return {
    ...pick(result.summary),
    status: result.run.status,
    scenarios: Object.fromEntries(Object.entries(result.scenarios).map(([k, v]) => [k, pick(v)])),
  };
}

/** Publishes a finished result. */
export async function publishResult(result: Result, opts: OptionValues, extraNotices: string[] = []): Promise<void> {
  const notices = [...extraNotices];
  // The baseline (and the trend of earlier base runs) first: the HTML report shows them.
  const { comparisonFor, commentOnPullRequest } = await import('./pr-comment.js');
  const { comparison, note, trend } = await comparisonFor(result, opts);
  const { resultPath, reportPath, dir } = writeResultFiles(result, { comparison, trend });
  // The report artifact goes up first, so the PR comment can link to it.
  let artifactUrl: string | undefined;
  try {
    const client = new DefaultArtifactClient();
    const { id } = await client.uploadArtifact(opts.reportName as string, [resultPath, reportPath], dir, { retentionDays: 30 });
    if (id !== undefined) {
      core.setOutput('report-artifact-id', String(id));
      const runUrl = result.run.git?.run_url;
      if (runUrl) artifactUrl = `${runUrl}/artifacts/${id}`;
    }
  } catch (err) {
    core.warning(`could not upload the report artifact '${opts.reportName}': ${(err as Error).message}`);
  }
  if (note) notices.push(note);
  try {
    const notice = await commentOnPullRequest(result, opts, comparison, note, artifactUrl, trend);
    if (notice) notices.push(notice);
  } catch (err) {
    notices.push(`PR comment skipped: ${(err as Error).message}`);
  }

  let markdown = render(result, 'md', { comparison, failOnRegression: Boolean(opts.failOnRegression) });
  if (notices.length) markdown = notices.map((n) => `> **Note:** ${n}`).join('\n') + '\n\n' + markdown;
  await core.summary.addRaw(markdown, true).write();
  for (const n of notices) core.notice(n);

  const failed = result.thresholds.filter((t) => !t.passed);
  const regressions = comparison?.rows.filter((r) => r.verdict === 'regressed') ?? [];
  const partial = partialMessage(result.load);
  // Every reason the step fails, first the one that decides `status` (issue 15: outputs tell the whole verdict).
  const failures: { status: ActionStatus; message: string }[] = [];
  if (result.run.status === 'aborted' || result.run.status === 'error') failures.push({ status: 'aborted', message: `load test aborted: ${result.run.abort_reason ?? 'signal'} (partial result in ${resultPath})` });
  if (result.run.status === 'partial') failures.push({ status: 'partial', message: `${partial} (set on_worker_loss: continue in the plan to accept a partial run)` });
  if (failed.length && opts.failOnThresholds !== false) {
    failures.push({ status: 'thresholds_failed', message: `${failed.length} threshold(s) failed: ${failed.map((t) => `${t.expression} (actual ${t.actual === null ? 'no data' : +t.actual.toFixed(3)})`).join('; ')}` });
  }
  if (regressions.length && opts.failOnRegression) failures.push({ status: 'regressed', message: `${regressions.length} regression(s) against the baseline: ${regressions.map((r) => `${r.scope} ${r.metric}`).join(', ')}` });
  const status: ActionStatus = failures[0]?.status ?? (partial ? 'partial' : 'passed');
  // on_worker_loss: continue — the step goes on, but the loss is never silent.
  if (partial && result.run.status !== 'partial') core.warning(`${partial} (on_worker_loss: continue)`, { title: 'Partial load test' });

  core.setOutput('passed', String(failures.length === 0));
  core.setOutput('status', status);
  core.setOutput('result', resultPath);
  core.setOutput('summary', JSON.stringify(summaryOutput(result)));
  core.setOutput('thresholds', JSON.stringify(result.thresholds));
  if (comparison) core.setOutput('comparison', JSON.stringify(comparisonOutput(comparison)));
  if (result.capacity) core.setOutput('capacity', JSON.stringify(capacityOutput(result.capacity)));
  // One failure message; the first line names the deciding reason.
  if (failures.length) core.setFailed(failures.map((f) => f.message).join('\n'));
}

/** The step's verdict as the `status` output gives it. */
export type ActionStatus = 'passed' | 'thresholds_failed' | 'regressed' | 'partial' | 'aborted';

/** The `comparison` output: counts, the headline, the flagged rows and the rows not compared (with why). */
export function comparisonOutput(c: Comparison): Record<string, unknown> {
  const row = (r: CompareRow) => ({ scope: r.scope, metric: r.metric, verdict: r.verdict, base: r.base, head: r.head, delta_pct: r.deltaPct, interval: r.interval, ...(r.note ? { note: r.note } : {}), ...(r.same ? { same: r.same } : {}) });
  return {
    regressed: c.summary.regressed,
    improved: c.summary.improved,
    unchanged: c.summary.unchanged,
    not_compared: c.summary.notCompared,
    headline: comparisonHeadline(c),
    flagged: c.rows.filter((r) => r.verdict === 'regressed' || r.verdict === 'improved').map(row),
    not_compared_rows: c.rows.filter((r) => r.verdict === 'not compared').map(row),
  };
}
