/**
 * Durations and sizes as users write them: `250ms`, `1.5s`, `2m`, `1h30m`; `512KB`,
 * `1MiB`. One parser for the plan, CLI flags and action inputs.
 */

const DURATION = /^(?:\d+(?:\.\d+)?(?:ms|s|m|h))+$/;
const DURATION_PART = /(\d+(?:\.\d+)?)(ms|s|m|h)/g;
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/**
 * Parses a duration into ms; undefined when malformed (no unit, negative, junk).
 * Bare numbers are refused on purpose: `timeout: 5` could mean seconds or ms, and the
 * seed format always writes a unit.
 */
export function parseDurationMs(text: string): number | undefined {
  const t = text.trim();
  if (!DURATION.test(t)) return undefined;
  let ms = 0;
  for (const m of t.matchAll(DURATION_PART)) ms += Number(m[1]) * UNIT_MS[m[2]];
  return Math.round(ms * 1000) / 1000;
}

/** Why `text` is not a duration, in words (for plan and flag messages). */
export function durationProblem(text: string): string {
  const t = text.trim();
  if (/^-/.test(t)) return 'must not be negative';
  if (/^\d+(?:\.\d+)?$/.test(t)) return 'needs a unit (ms, s, m or h), e.g. 30s or 250ms';
  return 'must be a duration like 30s, 250ms, 1.5s or 1h30m (number + unit: ms, s, m, h)';
}

const SIZE = /^(\d+(?:\.\d+)?)\s*(B|KB|KiB|MB|MiB|GB|GiB)?$/i;
const UNIT_BYTES: Record<string, number> = { b: 1, kb: 1000, kib: 1024, mb: 1e6, mib: 1024 ** 2, gb: 1e9, gib: 1024 ** 3 };

/** Parses a size (`1MiB`, `512KB`, `2048`) into bytes; undefined when malformed. */
export function parseSizeBytes(text: string | number): number | undefined {
  if (typeof text === 'number') return Number.isInteger(text) && text >= 0 ? text : undefined;
  const m = SIZE.exec(text.trim());
  if (!m) return undefined;
  return Math.round(Number(m[1]) * UNIT_BYTES[(m[2] ?? 'b').toLowerCase()]);
}

/** Levenshtein distance (for "did you mean"). */
export function editDistance(a: string, b: string): number {
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

/** The closest candidate within a small edit distance, for "did you mean 'x'?". */
export function didYouMean(word: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    const d = editDistance(word.toLowerCase(), c.toLowerCase());
    if (d < bestD) {
      bestD = d;
      best = c;
    }
  }
  if (best !== undefined && bestD <= Math.max(2, Math.floor(word.length / 3))) return best;
  // Otherwise a word that extends a candidate (jsonpath → json, timeout_ms → timeout).
  const w = word.toLowerCase();
  for (const c of candidates) if (c.length >= 3 && (w.startsWith(c.toLowerCase()) || c.toLowerCase().startsWith(w)) && w.length >= 3) return c;
  return undefined;
}
