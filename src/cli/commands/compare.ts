/** `loadtest compare base.json head.json` — what regressed, with statistics. */
import { resolve } from 'node:path';
import type { Command } from '../command.js';
import { parseCommandArgs } from '../args.js';
import { UsageError } from '../../errors.js';
import { readResultFile } from '../../report/load-result.js';
import { compareResults } from '../../report/compare.js';
import { renderPrComment } from '../../report/render.js';
import { comparisonCounts, comparisonHeadline, formatDelta, formatInterval, formatScope } from '../../report/compare-text.js';
import { ExitCode } from '../../errors.js';

export const command: Command = {
  name: 'compare',
  summary: 'Compare two results: regressed, improved, ~ (no clear change) or not compared (and why)',
  usage: `Usage: loadtest compare <base.json> <head.json> [--format text|md|json] [--fail-on-regression]
                        [--min-relative 0.05] [--min-absolute-ms 2] [--alpha 0.05]

A change is flagged only when a bootstrap interval over interval-level samples
excludes no-change AND the whole interval is beyond the practical floor (relative,
and for latency absolute ms). --format md prints the PR-comment Markdown.
Exit codes: 0, or 99 with --fail-on-regression when something regressed; 2 on bad input.
`,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs('compare', argv, {
      format: { type: 'string' },
      'fail-on-regression': { type: 'boolean' },
      'min-relative': { type: 'string' },
      'min-absolute-ms': { type: 'string' },
      alpha: { type: 'string' },
    });
    if (positionals.length !== 2) throw new UsageError(`compare takes a base and a head result (got ${positionals.length} file(s))`);
    const num = (name: string, v: unknown) => {
      if (v === undefined) return undefined;
      const n = Number(v);
      if (!Number.isFinite(n) || n < 0) throw new UsageError(`--${name} must be a non-negative number (got '${v}')`);
      return n;
    };
    const format = (values.format as string | undefined) ?? 'text';
    if (format !== 'text' && format !== 'md' && format !== 'json') throw new UsageError(`--format must be one of text, md, json (got '${format}')`);
    const alpha = num('alpha', values.alpha);
    if (alpha !== undefined && (alpha <= 0 || alpha >= 1)) throw new UsageError(`--alpha must be between 0 and 1 (got '${values.alpha}')`);
    const base = readResultFile(resolve(io.cwd, positionals[0]));
    const head = readResultFile(resolve(io.cwd, positionals[1]));
    const cmp = compareResults(base, head, { minRelative: num('min-relative', values['min-relative']), minAbsoluteMs: num('min-absolute-ms', values['min-absolute-ms']), alpha, baseLabel: positionals[0] });
    if (format === 'json') io.stdout.write(JSON.stringify(cmp, null, 2) + '\n');
    else if (format === 'md') io.stdout.write(renderPrComment(head, { comparison: cmp }));
    else {
      const lines = [comparisonHeadline(cmp), comparisonCounts(cmp), ''];
      for (const r of cmp.rows) {
        const iv = formatInterval(r) + (r.interval && r.note ? ` (${r.note})` : '');
        lines.push(`${r.verdict.padEnd(12)} ${formatScope(r).padEnd(30)} ${r.metric.padEnd(11)} ${r.base.toFixed(3).padStart(10)} → ${r.head.toFixed(3).padStart(10)}  ${formatDelta(r).padStart(10)}  ${iv}`);
      }
      lines.push('', cmp.method, '');
      io.stdout.write(lines.join('\n'));
    }
    return values['fail-on-regression'] && cmp.summary.regressed > 0 ? ExitCode.thresholdsFailed : ExitCode.passed;
  },
};
