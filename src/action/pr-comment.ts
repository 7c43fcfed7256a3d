/**
 * One PR comment per workflow and job, found by a hidden marker and updated in place
 * (never duplicated). It compares with the baseline (`baseline: auto | <path>`).
 * A fork PR's read-only token gets 403 from GitHub: that becomes a notice in the job
 * summary, never a failed step.
 */
import * as github from '@actions/github';
import type { OptionValues } from '../options.js';
import type { Result } from '../report/result-schema.js';
import { compareResults, type Comparison } from '../report/compare.js';
import { renderPrComment } from '../report/render.js';
import { buildTrend, trendRun, type Trend } from '../report/trend.js';
import { baseRef, findBaseline } from './baseline.js';

/** The hidden marker of this workflow/job's comment. */
export function commentMarker(workflow = process.env.GITHUB_WORKFLOW ?? 'workflow', job = process.env.GITHUB_JOB ?? 'job'): string {
  const clean = (s: string) => s.replace(/-->/g, '').replace(/[\r\n]/g, ' ');
  return `<!-- loadtest-action:${clean(workflow)}:${clean(job)} -->`;
}

/** True for GitHub's "read-only token" refusals (fork PRs). */
function isForbidden(err: unknown): boolean {
  const status = (err as { status?: number })?.status;
  return status === 403 || status === 401;
}

/** Creates or updates the comment; returns its id. */
export async function upsertComment(opts: { token: string; issueNumber: number; body: string; marker: string }): Promise<{ id: number; created: boolean }> {
  const octokit = github.getOctokit(opts.token);
  const { owner, repo } = github.context.repo;
  const comments = await octokit.paginate(octokit.rest.issues.listComments, { owner, repo, issue_number: opts.issueNumber, per_page: 100 });
  const mine = comments.find((c) => c.body?.includes(opts.marker));
  if (mine) {
    await octokit.rest.issues.updateComment({ owner, repo, comment_id: mine.id, body: opts.body });
    return { id: mine.id, created: false };
  }
  const created = await octokit.rest.issues.createComment({ owner, repo, issue_number: opts.issueNumber, body: opts.body });
  return { id: created.data.id, created: true };
}

/** The comparison for this run, when a baseline is configured and found. */
export async function comparisonFor(result: Result, opts: OptionValues): Promise<{ comparison?: Comparison; note?: string; trend?: Trend }> {
  const spec = opts.baseline as string | undefined;
  // `auto` on a push (no base branch): nothing is looked up, so there is nothing to say (issue 15 point 9).
  if (!spec || (spec === 'auto' && !baseRef())) return {};
  try {
    const base = await findBaseline(spec, { token: opts.githubToken as string, artifactName: opts.reportName as string, trendRuns: (opts.trendRuns as number | undefined) ?? 0 });
    if (!base) return { note: 'no successful base-branch run with a result artifact was found' };
    // The trend shows this run after the base runs; it is context beside the comparison, never part of it.
    const trend = base.trend && buildTrend(base.trend.runs, { skipped: base.trend.skipped, head: trendRun(result) });
    return { comparison: compareResults(base.result, result, { baseLabel: base.source }), ...(trend ? { trend } : {}) };
  } catch (err) {
    return { note: `baseline lookup failed: ${(err as Error).message}` };
  }
}

/**
 * On pull requests: compare, render, upsert. Returns a notice for the summary when
 * something was skipped or degraded (fork PR), undefined otherwise.
 */
export async function commentOnPullRequest(result: Result, opts: OptionValues, comparison?: Comparison, note?: string, artifactUrl?: string, trend?: Trend): Promise<string | undefined> {
  const pr = github.context.payload.pull_request;
  if (!pr) return undefined;
  const token = opts.githubToken as string | undefined;
  if (!token) return 'no github-token: the PR comment was skipped';
  const marker = commentMarker();
  const body = renderPrComment(result, { marker, comparison, failOnRegression: Boolean(opts.failOnRegression), runUrl: result.run.git?.run_url, artifactUrl, baselineNote: note, trend });
  try {
    await upsertComment({ token, issueNumber: pr.number, body, marker });
    return undefined;
  } catch (err) {
    if (isForbidden(err)) return 'the token cannot write PR comments (a fork pull request has a read-only token); the comparison is in this summary instead';
    throw err;
  }
}
