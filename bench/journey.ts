/**
 * Micro-benchmark of the journey runtime's per-request pieces (ns per call):
 * a static text, a one-variable template, a JSON body template, one JSON extract on a
 * ~1 KB body (simple path and a general one through jsonpath-plus), a status check,
 * a JSON check, and a think-time draw.
 *
 * Usage: node --import tsx bench/journey.ts   (env BENCH_MS per case, default 300)
 * Figures depend on the machine; compare cases within one run, not across machines.
 */
import { compileText, compileJson, createTemplateContext } from '../src/engine/journey/template.js';
import { compileExtractors } from '../src/engine/journey/extract.js';
import { compileChecks } from '../src/engine/journey/checks.js';
import { createRng } from '../src/engine/journey/random.js';
import { compileThinkTime } from '../src/engine/journey/think-time.js';

const BUDGET_MS = Number(process.env.BENCH_MS ?? 300);

/** Runs fn in growing batches for ~BUDGET_MS, 5 rounds, and returns the median ns per call. */
function bench(fn: () => number): number {
  let sink = 0;
  for (let i = 0; i < 20_000; i++) sink += fn(); // warm-up: let the JIT optimise
  const rounds: number[] = [];
  for (let r = 0; r < 5; r++) {
    let n = 0;
    const start = process.hrtime.bigint();
    const deadline = start + BigInt(BUDGET_MS / 5) * 1_000_000n;
    let now = start;
    while (now < deadline) {
      for (let i = 0; i < 1000; i++) sink += fn();
      n += 1000;
      now = process.hrtime.bigint();
    }
    rounds.push(Number(now - start) / n);
  }
  if (sink === -1) console.log('unreachable'); // keeps `sink` observable so calls are not elided
  return rounds.sort((a, b) => a - b)[2];
}

const rng = createRng(1);
const ctx = createTemplateContext({ vuId: 1, iteration: 1, env: {}, rng, vars: { token: 'eyJhbGciOiJIUzI1NiJ9.abc.def', product_id: 'p-42' } });

const items = Array.from({ length: 8 }, (_, i) => ({ id: `p-${i}`, name: `Product ${i}`, price: 10 + i, tags: ['a', 'b'] }));
const body = JSON.stringify({ auth: { token: 'eyJhbGciOiJIUzI1NiJ9.abc.def', expires: 3600 }, items });
const headers = { 'content-type': 'application/json' };
const cookie = () => undefined;

const staticText = compileText({ raw: 'https://shop.test/api/products?page=1', dynamic: false });
const oneVar = compileText({ raw: 'Bearer {{ token }}', dynamic: true });
const jsonBody = compileJson({ product_id: '{{ product_id }}', qty: 1 });
const extractSimple = compileExtractors({ token: { from: 'json', path: '$.auth.token' } });
const extractGeneral = compileExtractors({ ids: { from: 'json', path: '$.items[?(@.price > 15)].id' } });
const statusCheck = compileChecks({ status: [200] });
const jsonCheck = compileChecks({ json: [{ path: '$.items.length', op: 'gt', value: 0 }] });
const think = compileThinkTime({ type: 'normal', meanMs: 1000, stddevMs: 300 });

const cases: [string, () => number][] = [
  ['static text', () => staticText(ctx).length],
  ['template, one variable', () => oneVar(ctx).length],
  ['json body, one variable', () => jsonBody(ctx).length],
  [`json extract $.auth.token (${body.length} B body, incl. JSON.parse)`, () => extractSimple.run({ headers, body, cookie }).failures.length + 1],
  ['json extract, filter path via jsonpath-plus (incl. parse)', () => extractGeneral.run({ headers, body, cookie }).failures.length + 1],
  ['JSON.parse alone (same body)', () => (JSON.parse(body) as { items: unknown[] }).items.length],
  ['status check', () => statusCheck.run({ status: 200, headers, durationMs: 1 }).passed],
  ['json check $.items.length gt 0 (incl. parse)', () => jsonCheck.run({ status: 200, headers, body, durationMs: 1 }).passed],
  ['think time draw (normal)', () => think(rng)],
];

console.log(`journey micro-benchmark (node ${process.version}, median of 5 rounds, ns per call)`);
for (const [name, fn] of cases) console.log(`${bench(fn).toFixed(1).padStart(10)} ns  ${name}`);
