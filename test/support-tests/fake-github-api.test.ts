/**
 * The fake GitHub REST API driven by the REAL @actions/github octokit (baseUrl passed
 * explicitly: @actions/github reads GITHUB_API_URL once, at import).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { getOctokit } from '@actions/github';
import { startFakeGitHubApi, type FakeGitHub } from '../support/fake-github-api.js';
import { startFakeResultsService, type FakeResults } from '../support/fake-results-service.js';
import { jobArtifactClient } from '../support/job-env.js';
import { readZip } from '../support/zip.js';
import { tempDir } from '../helpers.js';

const OWNER = 'octo-org';
const REPO = 'octo-repo';
let gh: FakeGitHub;
let results: FakeResults;

before(async () => {
  results = await startFakeResultsService();
  gh = await startFakeGitHubApi({
    results,
    runs: [
      { id: 101, headBranch: 'main', headSha: 'aaa', conclusion: 'success', createdAt: '2026-03-01T00:00:00Z', workflowPath: '.github/workflows/loadtest.yml' },
      { id: 102, headBranch: 'main', headSha: 'bbb', conclusion: 'failure', createdAt: '2026-03-02T00:00:00Z', workflowPath: '.github/workflows/loadtest.yml' },
      { id: 103, headBranch: 'feature', headSha: 'ccc', conclusion: 'success', createdAt: '2026-03-03T00:00:00Z', workflowPath: '.github/workflows/loadtest.yml' },
      { id: 104, headBranch: 'main', headSha: 'ddd', conclusion: 'success', createdAt: '2026-03-04T00:00:00Z', event: 'pull_request', workflowPath: '.github/workflows/loadtest.yml' },
      { id: 200, headBranch: 'main', headSha: 'eee', conclusion: 'success', createdAt: '2026-03-05T00:00:00Z', workflowId: 7, workflowPath: '.github/workflows/other.yml' },
    ],
    artifacts: [{ runId: 101, name: 'loadtest-result', files: { 'result.json': '{"passed":true}' } }],
  });
});
after(async () => {
  await gh.close();
  await results.close();
});

const octokit = (token = 'test-token') => getOctokit(token, { baseUrl: gh.url });

describe('issue comments', () => {
  test('create, list (paginated through Link headers), update', async () => {
    const kit = octokit();
    for (let i = 0; i < 45; i++) gh.addComment({ issue: 7, body: `noise ${i}`, user: 'someone' });
    const created = await kit.rest.issues.createComment({ owner: OWNER, repo: REPO, issue_number: 7, body: 'report <!-- loadtest-action -->' });
    assert.equal(created.status, 201);
    assert.equal(created.data.user?.login, 'github-actions[bot]');
    const before = gh.requests.length;
    const all = await kit.paginate(kit.rest.issues.listComments, { owner: OWNER, repo: REPO, issue_number: 7, per_page: 20 });
    assert.equal(all.length, 46);
    assert.equal(gh.requests.length - before, 3, 'three pages of 20 followed through rel="next"');
    const mine = all.find((c) => c.body?.includes('<!-- loadtest-action -->'))!;
    const updated = await kit.rest.issues.updateComment({ owner: OWNER, repo: REPO, comment_id: mine.id, body: 'v2 <!-- loadtest-action -->' });
    assert.equal(updated.data.body, 'v2 <!-- loadtest-action -->');
    assert.equal(gh.comments(7).filter((c) => c.body.includes('loadtest-action')).length, 1);
    await assert.rejects(kit.rest.issues.updateComment({ owner: OWNER, repo: REPO, comment_id: 1, body: 'x' }), { status: 404 });
  });

  test('a read-only token (fork PR) gets 403 "Resource not accessible by integration" on writes, reads still work', async () => {
    const kit = octokit('read-only-token');
    await assert.rejects(kit.rest.issues.createComment({ owner: OWNER, repo: REPO, issue_number: 7, body: 'x' }), (err: { status: number; message: string }) => {
      assert.equal(err.status, 403);
      assert.match(err.message, /Resource not accessible by integration/);
      return true;
    });
    const [c] = gh.comments(7);
    await assert.rejects(kit.rest.issues.updateComment({ owner: OWNER, repo: REPO, comment_id: c.id, body: 'x' }), { status: 403 });
    const list = await kit.rest.issues.listComments({ owner: OWNER, repo: REPO, issue_number: 7 });
    assert.equal(list.status, 200);
  });

  test('bad credentials 401, other repo 404, body too long 422', async () => {
    await assert.rejects(octokit('nope').rest.issues.listComments({ owner: OWNER, repo: REPO, issue_number: 7 }), { status: 401 });
    await assert.rejects(octokit().rest.issues.listComments({ owner: OWNER, repo: 'elsewhere', issue_number: 7 }), { status: 404 });
    await assert.rejects(octokit().rest.issues.createComment({ owner: OWNER, repo: REPO, issue_number: 7, body: 'x'.repeat(65_537) }), { status: 422 });
  });
});

describe('workflow runs and artifacts', () => {
  test('listWorkflowRuns by file name filters branch, status and event, newest first', async () => {
    const { data } = await octokit().rest.actions.listWorkflowRuns({ owner: OWNER, repo: REPO, workflow_id: 'loadtest.yml', branch: 'main', status: 'success', event: 'push', per_page: 1 });
    assert.equal(data.total_count, 1);
    assert.deepEqual(data.workflow_runs.map((r) => [r.id, r.head_sha]), [[101, 'aaa']]);
    const byId = await octokit().rest.actions.listWorkflowRuns({ owner: OWNER, repo: REPO, workflow_id: 7 });
    assert.deepEqual(byId.data.workflow_runs.map((r) => r.id), [200]);
    const repoRuns = await octokit().rest.actions.listWorkflowRunsForRepo({ owner: OWNER, repo: REPO, branch: 'main' });
    assert.deepEqual(repoRuns.data.workflow_runs.map((r) => r.id), [200, 104, 102, 101]);
    await assert.rejects(octokit().rest.actions.listWorkflowRuns({ owner: OWNER, repo: REPO, workflow_id: 'missing.yml' }), { status: 404 });
  });

  test('run artifacts by name, and the zip download as a 302 to a signed URL', async () => {
    const kit = octokit();
    const { data } = await kit.rest.actions.listWorkflowRunArtifacts({ owner: OWNER, repo: REPO, run_id: 101, name: 'loadtest-result' });
    assert.equal(data.total_count, 1);
    const [art] = data.artifacts;
    assert.equal(art.workflow_run?.head_sha, 'aaa');
    const dl = await kit.rest.actions.downloadArtifact({ owner: OWNER, repo: REPO, artifact_id: art.id, archive_format: 'zip', request: { redirect: 'manual' } });
    assert.equal(dl.status, 302);
    const location = String(dl.headers.location);
    const res = await fetch(location);
    assert.equal(res.headers.get('content-type'), 'application/zip');
    const files = readZip(Buffer.from(await res.arrayBuffer()));
    assert.equal(files.get('result.json')?.toString(), '{"passed":true}');
    assert.equal((await fetch(location.replace(/sig=.*/, 'sig=x'))).status, 403);
  });

  test('artifacts uploaded to the fake results service appear under their run and download through the redirect', async () => {
    const dir = tempDir('lt-fake-gh-');
    try {
      writeFileSync(join(dir, 'r.json'), '{"run":300}');
      const up = await jobArtifactClient({ resultsUrl: results.url, runId: 300, jobId: 'coord', workspace: dir }).uploadArtifact('loadtest-result', [join(dir, 'r.json')], dir);
      gh.addRun({ id: 300, headBranch: 'main', headSha: 'fff' });
      const kit = octokit();
      const { data } = await kit.rest.actions.listWorkflowRunArtifacts({ owner: OWNER, repo: REPO, run_id: 300 });
      assert.deepEqual(data.artifacts.map((a) => [a.id, a.name, a.digest]), [[up.id, 'loadtest-result', `sha256:${up.digest}`]]);
      const dl = await kit.rest.actions.downloadArtifact({ owner: OWNER, repo: REPO, artifact_id: up.id!, archive_format: 'zip', request: { redirect: 'manual' } });
      const files = readZip(Buffer.from(await (await fetch(String(dl.headers.location))).arrayBuffer()));
      assert.equal(files.get('r.json')?.toString(), '{"run":300}');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('delete needs a write token; injected faults answer once', async () => {
    const id = gh.addArtifact({ runId: 102, name: 'tmp', files: { a: 'b' } });
    await assert.rejects(octokit('read-only-token').rest.actions.deleteArtifact({ owner: OWNER, repo: REPO, artifact_id: id }), { status: 403 });
    assert.equal((await octokit().rest.actions.deleteArtifact({ owner: OWNER, repo: REPO, artifact_id: id })).status, 204);
    gh.failNext('getRun', { status: 502 });
    await assert.rejects(octokit().request('GET /repos/{owner}/{repo}/actions/runs/{run_id}', { owner: OWNER, repo: REPO, run_id: 101, request: { retries: 0 } }), { status: 502 });
    const ok = await octokit().rest.actions.getWorkflowRun({ owner: OWNER, repo: REPO, run_id: 101 });
    assert.equal(ok.data.head_sha, 'aaa');
  });
});
