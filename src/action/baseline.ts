/**
 * Finds the baseline result: a path, or `auto` — the result artifact of the last
 * successful run of the same workflow on the base branch, found through the
 * workflow-runs and artifacts REST endpoints and downloaded with @actions/artifact
 * (its `findBy` path follows the artifact zip redirect and unzips). With `trendRuns`
 * it keeps going through the earlier successful runs (paged) for the trend: the
 * newest available is the baseline, the rest are context (src/report/trend.ts).
 */
import * as github from '@actions/github';
import { DefaultArtifactClient } from '@actions/artifact';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readResultFile } from '../report/load-result.js';
import type { Result } from '../report/result-schema.js';
import { buildTrend, trendRun, type Trend } from '../report/trend.js';

/** Where a baseline came from, for the comment and the summary. */
export interface Baseline {
  result: Result;
  source: string;
  /** `auto` with trendRuns > 0: the base-branch runs found (the baseline among them), oldest first. */
  trend?: Trend;
}

/** How many recent successful base-branch runs to look through for the baseline alone. */
const MAX_RUNS = 10;
/** Pages of runs to read at most (100 a page): bounds the lookup when most runs lack the artifact. */
const MAX_PAGES = 3;

/** The workflow file of this run (`.github/workflows/x.yml`), from GITHUB_WORKFLOW_REF. */
function workflowFile(): string | undefined {
  const ref = process.env.GITHUB_WORKFLOW_REF; // owner/repo/.github/workflows/x.yml@refs/heads/main
  const m = ref ? /\/(\.github\/workflows\/[^@]+)@/.exec(ref) : null;
  return m ? m[1].split('/').pop() : undefined;
}

/**
 * The branch `baseline: auto` compares against: the pull request's base, or undefined
 * on any other event (a push has no base branch, so nothing is looked up).
 */
export function baseRef(): string | undefined {
  return github.context.payload.pull_request?.base?.ref as string | undefined;
}

/** Options of findBaseline. */
export interface BaselineOptions {
  token: string;
  artifactName: string;
  baseRef?: string;
  /** Earlier runs to collect for the trend (0: the baseline only). */
  trendRuns?: number;
}

/**
 * Resolves `baseline` (an input value) to a result, or undefined when there is none
 * (no base branch, no successful run, no artifact). Errors of the lookup propagate.
 */
export async function findBaseline(spec: string | undefined, opts: BaselineOptions): Promise<Baseline | undefined> {
  if (!spec) return undefined;
  if (spec !== 'auto') return { result: readResultFile(spec), source: spec };
  const base = opts.baseRef ?? baseRef();
  if (!base) return undefined;
  const octokit = github.getOctokit(opts.token);
  const { owner, repo } = github.context.repo;
  const file = workflowFile();
  const wanted = Math.max(1, opts.trendRuns ?? 0);
  const client = new DefaultArtifactClient();
  const found: { result: Result; runId: number; sha: string }[] = [];
  const skipped: string[] = [];
  // Runs come newest first; read pages until enough results are found or runs run out.
  const perPage = opts.trendRuns ? Math.min(100, wanted + 1) : MAX_RUNS;
  for (let page = 1; page <= (opts.trendRuns ? MAX_PAGES : 1) && found.length < wanted; page++) {
    const params = { owner, repo, branch: base, status: 'success' as const, per_page: perPage, page };
    const runs = file ? await octokit.rest.actions.listWorkflowRuns({ ...params, workflow_id: file }) : await octokit.rest.actions.listWorkflowRunsForRepo(params);
    for (const run of runs.data.workflow_runs) {
      if (found.length >= wanted) break;
      if (String(run.id) === process.env.GITHUB_RUN_ID) continue;
      const sha = run.head_sha?.slice(0, 7) ?? '';
      const arts = await octokit.rest.actions.listWorkflowRunArtifacts({ owner, repo, run_id: run.id, name: opts.artifactName, per_page: 10 });
      const named = arts.data.artifacts.sort((a, b) => b.id - a.id);
      const art = named.find((a) => !a.expired);
      if (!art) {
        if (named.length) skipped.push(`run ${run.id} (${sha}): its result artifact has expired`);
        continue;
      }
      const dir = mkdtempSync(join(tmpdir(), 'lt-baseline-'));
      try {
        await client.downloadArtifact(art.id, { path: dir, findBy: { token: opts.token, workflowRunId: run.id, repositoryOwner: owner, repositoryName: repo } });
        found.push({ result: readResultFile(join(dir, 'result.json')), runId: run.id, sha });
      } catch (err) {
        // The baseline itself must be readable; an older run that is not only leaves the trend.
        if (!opts.trendRuns) throw err;
        skipped.push(`run ${run.id} (${sha}): ${(err as Error).message}`);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
    if (runs.data.workflow_runs.length < perPage) break;
  }
  const newest = found[0];
  if (!newest) return undefined;
  const trend = opts.trendRuns ? buildTrend(found.map((f) => trendRun(f.result, f.sha || `run ${f.runId}`)), { skipped }) : undefined;
  return { result: newest.result, source: `run ${newest.runId} on ${base} (${newest.sha})`, ...(trend ? { trend } : {}) };
}
