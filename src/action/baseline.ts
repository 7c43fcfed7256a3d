/**
 * Finds the baseline result: a path, or `auto` — the result artifact of the last
 * successful run of the same workflow on the base branch, found through the
 * workflow-runs and artifacts REST endpoints and downloaded with @actions/artifact
 * (its `findBy` path follows the artifact zip redirect and unzips).
 */
import * as github from '@actions/github';
import { DefaultArtifactClient } from '@actions/artifact';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readResultFile } from '../report/load-result.js';
import type { Result } from '../report/result-schema.js';

/** Where a baseline came from, for the comment and the summary. */
export interface Baseline {
  result: Result;
  source: string;
}

/** How many recent successful base-branch runs to look through. */
const MAX_RUNS = 10;

/** The workflow file of this run (`.github/workflows/x.yml`), from GITHUB_WORKFLOW_REF. */
function workflowFile(): string | undefined {
  const ref = process.env.GITHUB_WORKFLOW_REF; // owner/repo/.github/workflows/x.yml@refs/heads/main
  const m = ref ? /\/(\.github\/workflows\/[^@]+)@/.exec(ref) : null;
  return m ? m[1].split('/').pop() : undefined;
}

/**
 * Resolves `baseline` (an input value) to a result, or undefined when there is none
 * (no base branch, no successful run, no artifact). Errors of the lookup propagate.
 */
export async function findBaseline(spec: string | undefined, opts: { token: string; artifactName: string; baseRef?: string }): Promise<Baseline | undefined> {
  if (!spec) return undefined;
  if (spec !== 'auto') return { result: readResultFile(spec), source: spec };
  const base = opts.baseRef ?? (github.context.payload.pull_request?.base?.ref as string | undefined);
  if (!base) return undefined;
  const octokit = github.getOctokit(opts.token);
  const { owner, repo } = github.context.repo;
  const file = workflowFile();
  const runs = file
    ? await octokit.rest.actions.listWorkflowRuns({ owner, repo, workflow_id: file, branch: base, status: 'success', per_page: MAX_RUNS })
    : await octokit.rest.actions.listWorkflowRunsForRepo({ owner, repo, branch: base, status: 'success', per_page: MAX_RUNS });
  const client = new DefaultArtifactClient();
  for (const run of runs.data.workflow_runs) {
    if (String(run.id) === process.env.GITHUB_RUN_ID) continue;
    const arts = await octokit.rest.actions.listWorkflowRunArtifacts({ owner, repo, run_id: run.id, name: opts.artifactName, per_page: 10 });
    const art = arts.data.artifacts.filter((a) => !a.expired).sort((a, b) => b.id - a.id)[0];
    if (!art) continue;
    const dir = mkdtempSync(join(tmpdir(), 'lt-baseline-'));
    try {
      await client.downloadArtifact(art.id, { path: dir, findBy: { token: opts.token, workflowRunId: run.id, repositoryOwner: owner, repositoryName: repo } });
      return { result: readResultFile(join(dir, 'result.json')), source: `run ${run.id} on ${base} (${run.head_sha?.slice(0, 7) ?? ''})` };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  return undefined;
}
