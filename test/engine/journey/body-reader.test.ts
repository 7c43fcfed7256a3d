import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { once } from 'node:events';
import { Readable } from 'node:stream';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Agent, request } from 'undici';
import { drain, readCapped, utf8SafeEnd } from '../../../src/engine/journey/body-reader.js';

const MiB = 1024 * 1024;
const BIG = 50 * MiB;
const CHUNK = Buffer.alloc(64 * 1024, 'a');

let server: Server;
let base: string;
const agent = new Agent({ connections: 1 });
// A GC before each measurement makes the baseline honest (garbage from earlier tests is not counted as growth).
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

before(async () => {
  server = createServer(async (req, res) => {
    if (req.url === '/big') {
      res.writeHead(200, { 'content-type': 'text/plain', 'content-length': String(BIG) });
      for (let sent = 0; sent < BIG; sent += CHUNK.length) {
        if (!res.write(CHUNK)) await once(res, 'drain');
      }
      res.end();
    } else if (req.url === '/small') {
      res.end('héllo wörld');
    } else {
      res.statusCode = 404;
      res.end();
    }
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  // Warm-up: the first big read maps allocator pages and compiles code paths; without it
  // the first measured test sees ~40 MiB of one-time RSS growth whatever it does.
  await drain((await request(`${base}/big`, { dispatcher: agent })).body);
});

after(async () => {
  await agent.close();
  await new Promise((r) => server.close(r));
});

/** Wraps a body so memory is sampled while it is read; returns the peak growth over the baseline. */
function sampled(body: AsyncIterable<Uint8Array>, peak: { rss: number; ab: number }, start: NodeJS.MemoryUsage): AsyncIterable<Uint8Array> {
  return (async function* () {
    let i = 0;
    for await (const chunk of body) {
      if (++i % 64 === 0) {
        // Collect first: this measures what the reader keeps alive, not garbage V8 has not
        // collected yet (it lets up to ~64 MiB of dropped external memory pile up before a GC).
        gc();
        const m = process.memoryUsage();
        peak.rss = Math.max(peak.rss, m.rss - start.rss);
        peak.ab = Math.max(peak.ab, m.arrayBuffers - start.arrayBuffers);
      }
      yield chunk;
    }
  })();
}

async function measure(read: (body: AsyncIterable<Uint8Array>) => Promise<unknown>): Promise<{ rss: number; ab: number; result: unknown }> {
  gc();
  const start = process.memoryUsage();
  const peak = { rss: 0, ab: 0 };
  const { body } = await request(`${base}/big`, { dispatcher: agent });
  const result = await read(sampled(body, peak, start));
  const m = process.memoryUsage();
  peak.rss = Math.max(peak.rss, m.rss - start.rss);
  peak.ab = Math.max(peak.ab, m.arrayBuffers - start.arrayBuffers);
  return { ...peak, result };
}

test('acceptance: a 50 MiB response read with a 1 MiB cap keeps memory near the cap', async () => {
  const m = await measure((b) => readCapped(b, MiB));
  const r = m.result as Awaited<ReturnType<typeof readCapped>>;
  assert.equal(r.bytes, BIG);
  assert.equal(r.truncated, true);
  assert.equal(r.text.length, MiB);
  // Margin: socket read buffers and the chunks read since the last sample (≤ 64 × 64 KiB). Buffering would be ≥ 50 MiB (next test).
  assert.ok(m.ab < MiB + 8 * MiB, `arrayBuffers grew ${(m.ab / MiB).toFixed(1)} MiB`);
  assert.ok(m.rss < MiB + 16 * MiB, `rss grew ${(m.rss / MiB).toFixed(1)} MiB`);
});

test('control: keeping the whole 50 MiB shows up in the same measurement (the test above can fail)', async () => {
  const m = await measure((b) => readCapped(b, BIG));
  assert.equal((m.result as { text: string }).text.length, BIG);
  assert.ok(m.ab >= 0.8 * BIG, `arrayBuffers grew ${(m.ab / MiB).toFixed(1)} MiB`);
});

test('acceptance: a response without checks is drained, not buffered', async () => {
  const m = await measure((b) => drain(b));
  assert.equal(m.result, BIG);
  assert.ok(m.ab < 8 * MiB, `arrayBuffers grew ${(m.ab / MiB).toFixed(1)} MiB`);
  assert.ok(m.rss < 16 * MiB, `rss grew ${(m.rss / MiB).toFixed(1)} MiB`);
});

test('after a capped read and a drain the connection is reused (body read to the end)', async () => {
  const a = await request(`${base}/small`, { dispatcher: agent });
  await drain(a.body);
  const b = await request(`${base}/small`, { dispatcher: agent });
  assert.deepEqual(await readCapped(b.body, 100), { text: 'héllo wörld', bytes: 13, truncated: false });
  const c = await request(`${base}/small`, { dispatcher: agent });
  // 'héllo' is h + é(2 bytes) + llo: a cap of 2 would cut é in half; the half character is dropped.
  assert.deepEqual(await readCapped(c.body, 2), { text: 'h', bytes: 13, truncated: true });
});

test('readCapped works on plain async iterables and Readables; cap 0 keeps nothing', async () => {
  const parts = [Buffer.from('abc'), Buffer.from('def')];
  assert.deepEqual(await readCapped(Readable.from(parts), 4), { text: 'abcd', bytes: 6, truncated: true });
  assert.deepEqual(await readCapped((async function* () { yield* parts; })(), 0), { text: '', bytes: 6, truncated: true });
  assert.deepEqual(await readCapped(Readable.from([]), 10), { text: '', bytes: 0, truncated: false });
  assert.equal(await drain(Readable.from(parts)), 6);
});

test('a stream error rejects (the caller classifies it)', async () => {
  const failing = new Readable({ read() { this.destroy(new Error('socket hang up')); } });
  await assert.rejects(readCapped(failing, 10), /socket hang up/);
});

test('utf8SafeEnd never cuts a character', () => {
  const s = Buffer.from('a€😀', 'utf8'); // 1 + 3 + 4 bytes
  const ends = Array.from({ length: s.length + 1 }, (_, n) => utf8SafeEnd(s, n));
  assert.deepEqual(ends, [0, 1, 1, 1, 4, 4, 4, 4, 8]);
  for (const e of ends) assert.ok(!s.subarray(0, e).toString('utf8').includes('\ufffd'));
});
