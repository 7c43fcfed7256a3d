/**
 * The fake Actions Results service driven by the REAL @actions/artifact client
 * (in-process, one job at a time through jobArtifactClient), plus raw Twirp calls for
 * the paths the client never takes on its own.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startFakeResultsService, type FakeResults } from '../support/fake-results-service.js';
import { jobArtifactClient } from '../support/job-env.js';
import { twirpCall } from '../support/twirp-call.js';
import { readZip } from '../support/zip.js';
import { tempDir } from '../helpers.js';

const RUN = '4242';
let results: FakeResults;
let dir: string;

before(async () => {
  results = await startFakeResultsService();
  dir = tempDir('lt-fake-results-');
});
after(async () => {
  await results.close();
  rmSync(dir, { recursive: true, force: true });
});

const client = (jobId: string, runId = RUN) => jobArtifactClient({ resultsUrl: results.url, runId, jobId, workspace: dir });

function file(name: string, content: string | Buffer): string {
  const p = join(dir, name);
  writeFileSync(p, content);
  return p;
}

describe('upload, list, download through the real client', () => {
  test('a 20 MiB upload arrives in blocks out of order and is assembled in block-list order', async () => {
    const data = randomBytes(20 * 1024 * 1024); // incompressible: the zip stays > 2 blocks of 8 MiB
    const path = file('big.bin', data);
    // Hold block 0 until another block has been stored: deterministic out-of-order arrival.
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const safety = setTimeout(release, 15_000);
    const off = results.onRequest((r) => {
      if (r.op === 'BlobPutBlock' && r.status === 201) release();
    });
    results.holdNext('BlobPutBlock', gate);
    try {
      const up = await client('job-a').uploadArtifact('big', [path], dir, { compressionLevel: 0 });
      const blocks = results.requests.filter((r) => r.op === 'BlobPutBlock' && r.artifactId === up.id);
      assert.ok(blocks.length >= 3, `expected ≥ 3 blocks, got ${blocks.length}`);
      // Block ids are base64 of <uuid><zero-padded index>; the first stored one is not index 0.
      const indexes = blocks.map((b) => Number(Buffer.from(b.blockId!, 'base64').toString('utf8').slice(36)));
      assert.notEqual(indexes[0], 0, `blocks stored in order ${indexes.join(',')}`);
      const [art] = results.artifacts().filter((a) => a.id === up.id);
      assert.equal(art.status, 'finalized');
      assert.equal(art.size, up.size);
      assert.equal(art.digest, `sha256:${up.digest}`);
      assert.equal(createHash('sha256').update(art.bytes!).digest('hex'), up.digest);
      const entries = readZip(art.bytes!);
      assert.deepEqual([...entries.keys()], ['big.bin']);
      assert.ok(entries.get('big.bin')!.equals(data), 'unzipped bytes equal the uploaded file');
    } finally {
      off();
      clearTimeout(safety);
    }
  });

  test('artifacts of one run are listed across its jobs, never across runs', async () => {
    await client('job-b').uploadArtifact('from-b', [file('b.txt', 'b')], dir);
    await client('job-c').uploadArtifact('from-c', [file('c.txt', 'c')], dir);
    await client('job-x', '999').uploadArtifact('other-run', [file('x.txt', 'x')], dir);
    const { artifacts } = await client('job-b').listArtifacts();
    const names = artifacts.map((a) => a.name);
    assert.ok(names.includes('from-b') && names.includes('from-c'), names.join(','));
    assert.ok(!names.includes('other-run'));
    const c = artifacts.find((a) => a.name === 'from-c')!;
    assert.ok(c.createdAt instanceof Date && !Number.isNaN(c.createdAt.getTime()));
    assert.match(c.digest ?? '', /^sha256:[0-9a-f]{64}$/);
    const { artifact } = await client('job-b').getArtifact('from-c');
    assert.equal(artifact.id, c.id);
  });

  test('download (zip and skipArchive) gives back what was uploaded, digest verified', async () => {
    const up = await client('job-b').uploadArtifact('report', [file('r.json', '{"ok":true}')], dir);
    const out = join(dir, 'dl-zip');
    const { artifact } = await client('job-c').getArtifact('report');
    const dl = await client("job-c").downloadArtifact(up.id!, { path: out, expectedHash: artifact.digest });
    assert.equal(dl.digestMismatch, false);
    assert.equal(readFileSync(join(out, 'r.json'), 'utf8'), '{"ok":true}');

    const rawPath = file('raw-msg', 'raw bytes');
    const raw = await client('job-b').uploadArtifact('ignored', [rawPath], dir, { skipArchive: true });
    const [stored] = results.artifacts().filter((a) => a.id === raw.id);
    assert.equal(stored.name, 'raw-msg', 'skipArchive names the artifact after the file');
    assert.equal(stored.mimeType, 'application/octet-stream');
    const rawOut = join(dir, 'dl-raw');
    await client('job-c').downloadArtifact(raw.id!, { path: rawOut });
    assert.equal(readFileSync(join(rawOut, 'raw-msg'), 'utf8'), 'raw bytes');
  });

  test('a duplicate name in the run is refused with 409 already_exists, even from another job', async () => {
    await client('job-b').uploadArtifact('dup', [file('d.txt', 'd')], dir);
    await assert.rejects(client('job-c').uploadArtifact('dup', [file('d.txt', 'd')], dir), /\(409\).*an artifact with this name already exists on the workflow run/);
    const last = results.requests.at(-1)!;
    assert.deepEqual([last.op, last.status, last.jobId], ['CreateArtifact', 409, 'job-c']);
  });

  test('delete hides the artifact and frees its name', async () => {
    await client('job-b').uploadArtifact('doomed', [file('z.txt', '1')], dir);
    const del = await client('job-c').deleteArtifact('doomed');
    assert.ok(del.id > 0);
    const { artifacts } = await client('job-b').listArtifacts();
    assert.ok(!artifacts.some((a) => a.name === 'doomed'));
    await assert.rejects(client('job-b').getArtifact('doomed'), { name: 'ArtifactNotFoundError' });
    const again = await client('job-b').uploadArtifact('doomed', [file('z.txt', '2')], dir);
    assert.notEqual(again.id, del.id);
  });
});

describe('finalization rules and errors (raw Twirp)', () => {
  const ids = { workflow_run_backend_id: RUN, workflow_job_run_backend_id: 'job-raw' };
  const auth = { runId: RUN, jobId: 'job-raw' };

  test('finalize of an artifact never created → 404 not_found, JSON body', async () => {
    const r = await twirpCall(results.url, 'FinalizeArtifact', { ...ids, name: 'never', size: '1' }, auth);
    assert.equal(r.status, 404);
    assert.equal(r.contentType, 'application/json');
    assert.deepEqual(Object.keys(r.body as object).sort(), ['code', 'msg']);
    assert.equal((r.body as { code: string }).code, 'not_found');
  });

  test('finalize before the block list is committed → 412 failed_precondition; twice → 412 again', async () => {
    const created = await twirpCall(results.url, 'CreateArtifact', { ...ids, name: 'early', version: 7 }, auth);
    assert.equal(created.status, 200);
    const early = await twirpCall(results.url, 'FinalizeArtifact', { ...ids, name: 'early', size: '3' }, auth);
    assert.equal(early.status, 412);
    assert.match((early.body as { msg: string }).msg, /no committed upload/);
    // Commit a blob by hand: one block, one block list.
    const url = (created.body as { signed_upload_url: string }).signed_upload_url;
    const id = Buffer.from('block-0').toString('base64');
    assert.equal((await fetch(`${url}&comp=block&blockid=${encodeURIComponent(id)}`, { method: 'PUT', body: 'abc' })).status, 201);
    const list = `<?xml version="1.0" encoding="utf-8"?><BlockList><Latest>${id}</Latest></BlockList>`;
    assert.equal((await fetch(`${url}&comp=blocklist`, { method: 'PUT', body: list })).status, 201);
    const wrongSize = await twirpCall(results.url, 'FinalizeArtifact', { ...ids, name: 'early', size: '4' }, auth);
    assert.deepEqual([wrongSize.status, (wrongSize.body as { code: string }).code], [400, 'invalid_argument']);
    const wrongHash = await twirpCall(results.url, 'FinalizeArtifact', { ...ids, name: 'early', size: '3', hash: 'sha256:00' }, auth);
    assert.equal(wrongHash.status, 400);
    const ok = await twirpCall(results.url, 'FinalizeArtifact', { ...ids, name: 'early', size: '3', hash: `sha256:${createHash('sha256').update('abc').digest('hex')}` }, auth);
    assert.equal(ok.status, 200);
    assert.match((ok.body as { artifact_id: string }).artifact_id, /^\d+$/, 'int64 as a string');
    const twice = await twirpCall(results.url, 'FinalizeArtifact', { ...ids, name: 'early', size: '3' }, auth);
    assert.deepEqual([twice.status, (twice.body as { code: string }).code], [412, 'failed_precondition']);
    // After finalization the upload SAS no longer accepts blocks.
    assert.equal((await fetch(`${url}&comp=block&blockid=${encodeURIComponent(id)}`, { method: 'PUT', body: 'x' })).status, 403);
  });

  test('tokens and routes: no token 401, other run 403, unknown method 404 bad_route, tampered SAS 403', async () => {
    const none = await twirpCall(results.url, 'ListArtifacts', ids, { token: null });
    assert.deepEqual([none.status, (none.body as { code: string }).code], [401, 'unauthenticated']);
    const junk = await twirpCall(results.url, 'ListArtifacts', ids, { token: 'not-a-jwt' });
    assert.equal(junk.status, 401);
    const other = await twirpCall(results.url, 'ListArtifacts', { ...ids, workflow_run_backend_id: '1' }, auth);
    assert.deepEqual([other.status, (other.body as { code: string }).code], [403, 'permission_denied']);
    const route = await twirpCall(results.url, 'MigrateArtifact', ids, auth);
    assert.deepEqual([route.status, (route.body as { code: string }).code], [404, 'bad_route']);
    const [a] = results.artifacts({ status: 'finalized' });
    const good = results.downloadUrl(a.id);
    assert.equal((await fetch(good)).status, 200);
    const bad = await fetch(good.replace(/sig=[^&]+/, 'sig=AAAA'));
    assert.equal(bad.status, 403);
    assert.equal(bad.headers.get('x-ms-error-code'), 'AuthenticationFailed');
  });

  test('a block list naming a block never staged → 400 InvalidBlockList', async () => {
    const created = await twirpCall(results.url, 'CreateArtifact', { ...ids, name: 'badlist', version: 7 }, auth);
    const url = (created.body as { signed_upload_url: string }).signed_upload_url;
    const res = await fetch(`${url}&comp=blocklist`, { method: 'PUT', body: '<BlockList><Latest>bm9wZQ==</Latest></BlockList>' });
    assert.equal(res.status, 400);
    assert.equal(res.headers.get('x-ms-error-code'), 'InvalidBlockList');
  });

  test('ListArtifacts answers snake_case, int64 strings, RFC 3339 timestamps; filters by name and id', async () => {
    const all = await twirpCall(results.url, 'ListArtifacts', ids, auth);
    const arts = (all.body as { artifacts: Record<string, unknown>[] }).artifacts;
    assert.ok(arts.length > 0);
    for (const a of arts) {
      assert.equal(typeof a.database_id, 'string');
      assert.equal(typeof a.size, 'string');
      assert.ok(!Number.isNaN(Date.parse(a.created_at as string)));
    }
    const one = await twirpCall(results.url, 'ListArtifacts', { ...ids, id_filter: arts[0].database_id }, auth);
    assert.deepEqual((one.body as { artifacts: unknown[] }).artifacts, [arts[0]]);
    const byName = await twirpCall(results.url, 'ListArtifacts', { ...ids, name_filter: arts[0].name }, auth);
    assert.equal((byName.body as { artifacts: unknown[] }).artifacts.length, 1);
  });
});

describe('fault injection against the real client (its retries back off ≥ 3 s: kept few)', () => {
  test('a 500, then a non-JSON 502: the client retries and succeeds', async () => {
    results.failNext('CreateArtifact', { status: 500 });
    results.failNext('FinalizeArtifact', { status: 502, body: '<html>bad gateway</html>' });
    const before = results.requests.length;
    const up = await client('job-f').uploadArtifact('flaky', [file('f.txt', 'f')], dir);
    const seen = results.requests.slice(before).filter((r) => !r.op.startsWith('Blob')).map((r) => `${r.op}:${r.status}`);
    assert.deepEqual(seen, ['CreateArtifact:500', 'CreateArtifact:200', 'FinalizeArtifact:502', 'FinalizeArtifact:200']);
    assert.equal(results.artifacts().find((a) => a.id === up.id)?.status, 'finalized');
  });

  test('a 4xx Twirp error is not retried', async () => {
    results.failNext('ListArtifacts', { status: 400 });
    const before = results.requests.length;
    await assert.rejects(client('job-f').listArtifacts(), /non-retryable.*\(400\)/);
    assert.equal(results.requests.length - before, 1);
  });

  test('a finalize applied but answered 500: the retry meets failed_precondition although the artifact is finalized', async () => {
    results.failNext('FinalizeArtifact', { status: 500, applyFirst: true });
    await assert.rejects(client('job-f').uploadArtifact('lost-answer', [file('l.txt', 'l')], dir), /\(412\).*already finalized/);
    const { artifact } = await client('job-f').getArtifact('lost-answer');
    assert.ok(artifact.id > 0, 'the artifact exists: callers must check before treating this as a failure');
  });
});
