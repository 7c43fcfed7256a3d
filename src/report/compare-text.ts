/**
 * A comparison in words, the same in the PR comment, the job summary, the HTML report
 * and the CLI: the headline, the counts, and each row's cells. A row that was not
 * compared says so with its reason, in the visible table and in the headline, never
 * as "no clear change" (issue 15 point 3).
 */
import type { Comparison, CompareRow } from './compare.js';

/** A figure as the tables show it: error rate in %, large values without decimals. */
export const figure = (v: number, metric: string): string => (metric === 'error_rate' ? `${(v * 100).toFixed(2)}%` : v >= 100 ? v.toFixed(0) : v.toFixed(2));
const signed = (v: number, digits: number) => `${v >= 0 ? '+' : '−'}${Math.abs(v).toFixed(digits)}`;

/** The interval of a row as people read it: a ratio as % change, a rate difference in points; the reason when there is none. */
export function formatInterval(r: Pick<CompareRow, 'interval' | 'intervalKind' | 'note'>): string {
  if (!r.interval) return r.note ?? '–';
  const [lo, hi] = r.interval;
  return r.intervalKind === 'difference' ? `${signed(lo * 100, 2)} … ${signed(hi * 100, 2)} pts` : `${signed((lo - 1) * 100, 1)}% … ${signed((hi - 1) * 100, 1)}%`;
}

/** A row's Δ in the units of its interval: the verdict's estimate (error rate in points), or the whole-run change when not compared. */
export function formatDelta(r: Pick<CompareRow, 'deltaPct' | 'estimate' | 'intervalKind'>): string {
  if (r.intervalKind === 'difference' && r.estimate !== null) return `${signed(r.estimate * 100, 2)} pts`;
  return r.deltaPct === null ? '–' : `${signed(r.deltaPct * 100, 1)}%`;
}

/** A row's scope, naming the identical scopes it stands for: `overall ≡ api ≡ api / users`. */
export const formatScope = (r: Pick<CompareRow, 'scope' | 'same'>): string => [r.scope, ...(r.same ?? [])].join(' ≡ ');

/** "1 regressed · 0 improved · 5 unchanged · 9 not compared" (the last only when there are such rows). */
export function comparisonCounts(c: Comparison): string {
  const { regressed, improved, unchanged, notCompared } = c.summary;
  return `${regressed} regressed · ${improved} improved · ${unchanged} unchanged${notCompared ? ` · ${notCompared} not compared` : ''}`;
}

/** The distinct reasons rows were not compared, at most two named. */
function notComparedReasons(c: Comparison): string {
  const reasons = [...new Set(c.rows.filter((r) => r.verdict === 'not compared').map((r) => r.note ?? 'no reason recorded'))];
  const more = reasons.length > 2 ? ` (and ${reasons.length - 2} other reason${reasons.length > 3 ? 's' : ''})` : '';
  return reasons.slice(0, 2).join('; ') + more;
}

/** The one-line verdict of a comparison: the largest regression when there is one, and what was not compared and why. */
export function comparisonHeadline(c: Comparison): string {
  const { regressed, improved, unchanged, notCompared } = c.summary;
  const total = c.rows.length;
  if (total && notCompared === total) return `not compared: ${notComparedReasons(c)}`;
  let out: string;
  if (regressed) {
    const worst = [...c.rows].filter((r) => r.verdict === 'regressed').sort((a, b) => Math.abs(b.deltaPct ?? 0) - Math.abs(a.deltaPct ?? 0))[0];
    const delta = worst.deltaPct === null && worst.estimate === null ? `${figure(worst.base, worst.metric)} → ${figure(worst.head, worst.metric)}` : formatDelta(worst);
    out = `${regressed} regression${regressed > 1 ? 's' : ''}, largest ${worst.metric} ${delta} on ${formatScope(worst)} (interval ${formatInterval(worst)})`;
  } else if (improved) out = `no regressions, ${improved} improvement${improved > 1 ? 's' : ''}`;
  else out = notCompared ? `no clear change in the ${unchanged} compared row${unchanged === 1 ? '' : 's'}` : 'no clear change against the baseline';
  return notCompared ? `${out}; ${notCompared} of ${total} rows not compared: ${notComparedReasons(c)}` : out;
}

/** The icon of a comparison's headline: ❌ regressed, ⚡ improved, ⚠️ something not compared, ✅ otherwise. */
export function comparisonIcon(c: Comparison): string {
  return c.summary.regressed ? '❌' : c.summary.improved ? '⚡' : c.summary.notCompared ? '⚠️' : '✅';
}

/** A row's cells for the templates. */
export function compareCells(r: CompareRow) {
  return {
    scope: formatScope(r),
    metric: r.metric,
    base: figure(r.base, r.metric),
    head: figure(r.head, r.metric),
    delta: formatDelta(r),
    interval: formatInterval(r),
    verdict: r.verdict,
    verdictClass: `v-${r.verdict === '~' ? 'same' : r.verdict.replace(' ', '-')}`,
    verdictIcon: r.verdict === 'regressed' ? '❌' : r.verdict === 'improved' ? '⚡' : r.verdict === 'not compared' ? '⚠️' : '',
    // Without an interval the note is the reason, already in the interval cell.
    note: r.interval ? r.note : undefined,
  };
}
