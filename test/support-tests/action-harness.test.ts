/**
 * The action harness running a throwaway fixture action (test/support/fixtures/
 * echo-action.mjs) in child processes against the fakes: inputs in, outputs,
 * summary, exported env, annotations and an uploaded artifact out.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startFakeResultsService, type FakeResults } from '../support/fake-results-service.js';
import { startFakeGitHubApi, type FakeGitHub } from '../support/fake-github-api.js';
import { inputEnvName, parseAnnotations, parseFileCommands, runAction, startAction } from '../support/action-harness.js';
import { readZip } from '../support/zip.js';

const ENTRY = 'test/support/fixtures/echo-action.mjs';
let results: FakeResults;
let github: FakeGitHub;

before(async () => {
  results = await startFakeResultsService();
  github = await startFakeGitHubApi({ results });
});
after(async () => {
  await results.close();
  await github.close();
});

describe('pure helpers', () => {
  test('input names follow the runner: uppercase, spaces to _, dashes kept', () => {
    assert.equal(inputEnvName('fail-on-thresholds'), 'INPUT_FAIL-ON-THRESHOLDS');
    assert.equal(inputEnvName('my input'), 'INPUT_MY_INPUT');
  });

  test('file commands: k=v and heredoc blocks; an unclosed heredoc is an error', () => {
    const text = 'a=1\nmulti<<ghadelimiter_x\nline 1\nline 2\nghadelimiter_x\nb=x=y\n';
    assert.deepEqual(parseFileCommands(text), { a: '1', multi: 'line 1\nline 2', b: 'x=y' });
    assert.throws(() => parseFileCommands('k<<EOF\nnever closed\n'), /delimiter EOF never closes/);
    assert.throws(() => parseFileCommands('garbage\n'), /without = or <</);
  });

  test('annotations are parsed and unescaped', () => {
    const anns = parseAnnotations('noise\n::error file=plans/a%2Cb.yaml,line=3,col=5,title=T%3A1::bad%0Athing 100%25\n::warning::w\n::debug::d\n');
    assert.deepEqual(anns, [
      { level: 'error', message: 'bad\nthing 100%', file: 'plans/a,b.yaml', line: 3, col: 5, title: 'T:1' },
      { level: 'warning', message: 'w' },
    ]);
  });
});

describe('running an action in a child process', () => {
  test('inputs, outputs (multi-line), summary, exported env, and the uploaded artifact', async () => {
    const run = await runAction({ entry: ENTRY, inputs: { 'artifact-name': 'fixture-out', greeting: 'world' }, runId: 555, jobId: 'job-1', results, github, timeoutMs: 30_000 });
    assert.equal(run.code, 0, run.stderr + run.stdout);
    assert.equal(run.outputs.greeting, 'hello world');
    assert.equal(run.outputs.lines, 'first\nsecond');
    assert.match(run.summary, /<h1>Fixture summary<\/h1>/);
    assert.match(run.summary, /greeting: world/);
    assert.equal(run.exportedEnv.FIXTURE_VAR, 'exported');
    const [art] = results.artifacts({ runId: '555' });
    assert.equal(String(art.id), run.outputs['artifact-id']);
    assert.equal(art.jobId, 'job-1');
    assert.deepEqual(JSON.parse(readZip(art.bytes!).get('payload.json')!.toString()), { greeting: 'world', job: 'job-1' });
  });

  test('a second job of the same run sees the first one\'s artifact through REST (GITHUB_API_URL, findBy)', async () => {
    const run = await runAction({ entry: ENTRY, inputs: { 'artifact-name': 'fixture-out-2', greeting: 'again', 'rest-token': 'test-token' }, runId: 555, jobId: 'job-2', results, github, timeoutMs: 30_000 });
    assert.equal(run.code, 0, run.stderr + run.stdout);
    assert.equal(run.outputs['rest-names'], 'fixture-out,fixture-out-2');
    assert.ok(github.requests.some((r) => r.op === 'listRunArtifacts' && r.path.includes('/actions/runs/555/artifacts') && r.token === 'test-token'));
  });

  test('a required input missing fails the step with an ::error:: line', async () => {
    const run = await runAction({ entry: ENTRY, inputs: {}, runId: 556, jobId: 'job-1', results, timeoutMs: 30_000 });
    assert.notEqual(run.code, 0);
    assert.match(run.stderr + run.stdout, /Input required and not supplied: artifact-name/);
  });

  test('annotations with file and line reach stdout; setFailed sets exit code 1', async () => {
    const run = await runAction({ entry: ENTRY, inputs: { 'artifact-name': 'failing', fail: 'true' }, runId: 557, jobId: 'job-1', results, timeoutMs: 30_000 });
    assert.equal(run.code, 1);
    const anns = parseAnnotations(run.stdout);
    assert.deepEqual(anns.find((a) => a.title === 'Thresholds'), { level: 'error', message: 'threshold p(95) < 10 failed', file: 'plans/a,b.yaml', line: 3, col: 5, title: 'Thresholds' });
    assert.ok(anns.some((a) => a.level === 'error' && a.message === 'failing on purpose:\nsee above'));
    assert.ok(anns.some((a) => a.level === 'warning' && a.message === 'just a warning'));
  });

  test('startAction: kill mid-run by signal; the timeout kills a hung child', async () => {
    const h = startAction({ entry: ENTRY, inputs: { 'artifact-name': 'hung', hang: 'true' }, runId: 558, jobId: 'job-1', results, timeoutMs: 30_000 });
    await h.waitForStdout(/waiting to be killed/, 20_000);
    h.kill('SIGTERM');
    const run = await h.done;
    assert.equal(run.code, 143);
    assert.match(run.stdout, /got SIGTERM/);
    assert.equal(run.timedOut, false);
    await assert.rejects(h.waitForStdout(/never printed/, 1000), /ended before/);

    const hung = await runAction({ entry: ENTRY, inputs: { 'artifact-name': 'hung-2', hang: 'true' }, runId: 559, jobId: 'job-1', results, timeoutMs: 1500 });
    assert.equal(hung.timedOut, true);
    assert.equal(hung.signal, 'SIGKILL');
  });
});
