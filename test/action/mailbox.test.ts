/**
 * ArtifactMailbox over the REAL @actions/artifact client against the fake results
 * service, with two and three "jobs" of one run (jobArtifactClient gives each its own
 * runtime token).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ArtifactMailbox, mailboxPrefix } from '../../src/action/mailbox.js';
import { LtError } from '../../src/errors.js';
import { startFakeResultsService, type FakeResults } from '../support/fake-results-service.js';
import { jobArtifactClient } from '../support/job-env.js';
import { tempDir } from '../helpers.js';

const RUN = '8080';
const PREFIX = `lt-${RUN}-1`;
let results: FakeResults;
let dir: string;

before(async () => {
  results = await startFakeResultsService();
  dir = tempDir('lt-mailbox-');
});
after(async () => {
  await results.close();
  rmSync(dir, { recursive: true, force: true });
});

const clientOf = (jobId: string) => jobArtifactClient({ resultsUrl: results.url, runId: RUN, jobId, workspace: dir });
function box(jobId: string, extra: { log?: (m: string) => void; prefix?: string } = {}): ArtifactMailbox {
  return new ArtifactMailbox({ prefix: extra.prefix ?? PREFIX, tmpDir: join(dir, jobId), client: clientOf(jobId), retryBaseMs: 20, log: extra.log });
}

describe('ArtifactMailbox across jobs of one run', () => {
  test('put in one job, list and get in another; one raw artifact per message, temp dirs cleaned', async () => {
    const worker = box('worker-0');
    const coord = box('coordinator');
    const msg = { type: 'register', workerId: 'w0', capacity: { vus: 100 }, note: 'ünïcode ✓' };
    const { id } = await worker.put('w.w0.1', msg);
    const [stored] = results.artifacts().filter((a) => a.id === id);
    assert.equal(stored.name, `${PREFIX}.w.w0.1`);
    assert.equal(stored.jobId, 'worker-0');
    assert.notEqual(stored.mimeType, 'application/zip', 'skipArchive: no zip for a tiny message');
    assert.equal(stored.bytes!.toString('utf8'), JSON.stringify(msg));
    const listed = await coord.list('w.');
    assert.deepEqual(listed.map((a) => [a.id, a.name]), [[id, `${PREFIX}.w.w0.1`]]);
    assert.ok(listed[0].createdAt instanceof Date);
    assert.deepEqual(await coord.get('w.w0.1'), msg);
    assert.equal(await coord.get('w.nobody.1'), undefined);
    assert.deepEqual(readdirSync(join(dir, 'coordinator')), [], 'download dirs removed');
    assert.deepEqual(readdirSync(join(dir, 'worker-0')), [], 'staging dirs removed');
  });

  test('waitFor returns once enough messages exist, or what there is at the timeout or abort', async () => {
    const coord = box('coordinator');
    const waiting = coord.waitFor('reg.', { count: 2, timeoutMs: 20_000, pollMs: 50 });
    await box('worker-1').put('reg.w1', { w: 1 });
    await box('worker-2').put('reg.w2', { w: 2 });
    assert.deepEqual(await waiting, [`${PREFIX}.reg.w1`, `${PREFIX}.reg.w2`]);
    assert.deepEqual(await coord.waitFor('reg.', { count: 5, timeoutMs: 200, pollMs: 50 }), [`${PREFIX}.reg.w1`, `${PREFIX}.reg.w2`]);
    const ac = new AbortController();
    const aborting = coord.waitFor('never.', { count: 1, timeoutMs: 20_000, pollMs: 10_000, signal: ac.signal });
    ac.abort();
    assert.deepEqual(await aborting, []);
  });

  test('the prefix isolates run attempts; forbidden characters in names are replaced', async () => {
    const other = box('worker-0', { prefix: `lt-${RUN}-2` });
    await other.put('reg.w1', { attempt: 2 });
    assert.deepEqual((await box('coordinator').list('reg.')).map((a) => a.name), [`${PREFIX}.reg.w1`, `${PREFIX}.reg.w2`]);
    assert.deepEqual(await other.get('reg.w1'), { attempt: 2 });
    await box('worker-0').put('odd:name/with*chars', [1]);
    assert.deepEqual(await box('coordinator').get('odd:name/with*chars'), [1]);
    assert.equal(mailboxPrefix({ GITHUB_RUN_ID: '12', GITHUB_RUN_ATTEMPT: '3' }), 'lt-12-3');
  });
});

describe('ArtifactMailbox failures', () => {
  test('a name already used in the run → LT_ERR_ARTIFACT saying so (409), without retrying', async () => {
    await box('worker-0').put('dup', { a: 1 });
    const before = results.requests.filter((r) => r.op === 'CreateArtifact').length;
    await assert.rejects(box('worker-1').put('dup', { a: 2 }), (err: LtError) => {
      assert.equal(err.code, 'LT_ERR_ARTIFACT');
      assert.match(err.message, /already exists in this workflow run/);
      assert.match(err.message, /409/);
      return true;
    });
    assert.equal(results.requests.filter((r) => r.op === 'CreateArtifact').length - before, 1);
  });

  test('a dropped connection is retried with backoff and succeeds', async () => {
    const logs: string[] = [];
    results.resetNext('CreateArtifact');
    const { id } = await box('worker-0', { log: (m) => logs.push(m) }).put('after-reset', { ok: true });
    assert.ok(id > 0);
    const creates = results.requests.filter((r) => r.op === 'CreateArtifact' && r.name === `${PREFIX}.after-reset`).map((r) => r.status);
    assert.deepEqual(creates, [0, 200]);
    assert.equal(logs.length, 1);
    assert.match(logs[0], /attempt 1 of 3.*ECONNRESET/);
  });

  test('a finalize whose answer was lost: the client errors, the mailbox finds its own upload and succeeds', async () => {
    results.failNext('FinalizeArtifact', { status: 500, applyFirst: true });
    const logs: string[] = [];
    const { id } = await box('worker-0', { log: (m) => logs.push(m) }).put('lost-answer', { v: 42 });
    assert.equal(results.artifacts().find((a) => a.id === id)?.status, 'finalized');
    assert.match(logs.join('\n'), /stored despite an error/);
    assert.deepEqual(await box('coordinator').get('lost-answer'), { v: 42 });
  });

  test('a permanent service error fails at once with a clear LtError', async () => {
    results.failNext('CreateArtifact', { status: 403 });
    await assert.rejects(box('worker-0').put('forbidden', 1), (err: LtError) => err.code === 'LT_ERR_ARTIFACT' && /uploading .*forbidden failed: .*\(403\)/.test(err.message));
  });

  test('an artifact that is not JSON → LT_ERR_ARTIFACT naming it; bad prefix and .zip names are refused', async () => {
    const raw = join(dir, `${PREFIX}.garbage`);
    writeFileSync(raw, 'not json {');
    await clientOf('other').uploadArtifact('x', [raw], dir, { skipArchive: true });
    await assert.rejects(box('coordinator').get('garbage'), /artifact lt-8080-1\.garbage is not valid JSON/);
    assert.throws(() => new ArtifactMailbox({ prefix: 'a/b', tmpDir: dir }), /mailbox prefix "a\/b"/);
    await assert.rejects(box('worker-0').put('x.zip', 1), /must not end in \.zip/);
  });
});
