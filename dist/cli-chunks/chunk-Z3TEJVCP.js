import { createRequire as __ltCreateRequire } from 'node:module'; const require = __ltCreateRequire(import.meta.url);

// src/plan/units.ts
var DURATION = /^(?:\d+(?:\.\d+)?(?:ms|s|m|h))+$/;
var DURATION_PART = /(\d+(?:\.\d+)?)(ms|s|m|h)/g;
var UNIT_MS = { ms: 1, s: 1e3, m: 6e4, h: 36e5 };
function parseDurationMs(text) {
  const t = text.trim();
  if (!DURATION.test(t)) return void 0;
  let ms = 0;
  for (const m of t.matchAll(DURATION_PART)) ms += Number(m[1]) * UNIT_MS[m[2]];
  return Math.round(ms * 1e3) / 1e3;
}
function durationProblem(text) {
  const t = text.trim();
  if (/^-/.test(t)) return "must not be negative";
  if (/^\d+(?:\.\d+)?$/.test(t)) return "needs a unit (ms, s, m or h), e.g. 30s or 250ms";
  return "must be a duration like 30s, 250ms, 1.5s or 1h30m (number + unit: ms, s, m, h)";
}
var SIZE = /^(\d+(?:\.\d+)?)\s*(B|KB|KiB|MB|MiB|GB|GiB)?$/i;
var UNIT_BYTES = { b: 1, kb: 1e3, kib: 1024, mb: 1e6, mib: 1024 ** 2, gb: 1e9, gib: 1024 ** 3 };
function parseSizeBytes(text) {
  if (typeof text === "number") return Number.isInteger(text) && text >= 0 ? text : void 0;
  const m = SIZE.exec(text.trim());
  if (!m) return void 0;
  return Math.round(Number(m[1]) * UNIT_BYTES[(m[2] ?? "b").toLowerCase()]);
}
function editDistance(a, b) {
  const dp = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = dp[0];
    dp[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = dp[j];
      dp[j] = Math.min(dp[j] + 1, dp[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return dp[b.length];
}
function didYouMean(word, candidates) {
  let best;
  let bestD = Infinity;
  for (const c of candidates) {
    const d = editDistance(word.toLowerCase(), c.toLowerCase());
    if (d < bestD) {
      bestD = d;
      best = c;
    }
  }
  if (best !== void 0 && bestD <= Math.max(2, Math.floor(word.length / 3))) return best;
  const w = word.toLowerCase();
  for (const c of candidates) if (c.length >= 3 && (w.startsWith(c.toLowerCase()) || c.toLowerCase().startsWith(w)) && w.length >= 3) return c;
  return void 0;
}

export {
  parseDurationMs,
  durationProblem,
  parseSizeBytes,
  didYouMean
};
