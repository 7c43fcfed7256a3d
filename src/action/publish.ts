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

  let markdown = render(result, 'md', { comparison });
  if (notices.length) markdown = notices.map((n) => `> **Note:** ${n}`).join('\n') + '\n\n' + markdown;
  await core.summary.addRaw(markdown, true).write();
  for (const n of notices) core.notice(n);

  core.setOutput('passed', String(result.run.status === 'passed'));
  core.setOutput('result', resultPath);
  core.setOutput('summary', JSON.stringify(summaryOutput(result)));
  core.setOutput('thresholds', JSON.stringify(result.thresholds));

  const failed = result.thresholds.filter((t) => !t.passed);
  const regressions = comparison?.rows.filter((r) => r.verdict === 'regressed') ?? [];
  if (regressions.length && opts.failOnRegression) core.setFailed(`${regressions.length} regression(s) against the baseline: ${regressions.map((r) => `${r.scope} ${r.metric}`).join(', ')}`);
  if (result.run.status === 'aborted') core.setFailed(`load test aborted: ${result.run.abort_reason ?? 'signal'} (partial result in ${resultPath})`);
  else if (failed.length && opts.failOnThresholds !== false) {
    core.setFailed(`${failed.length} threshold(s) failed: ${failed.map((t) => `${t.expression} (actual ${t.actual === null ? 'no data' : +t.actual.toFixed(3)})`).join('; ')}`);
  }
}
