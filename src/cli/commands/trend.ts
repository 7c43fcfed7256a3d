/** `loadtest trend r1.json r2.json …` — the headline figures across runs, as sparklines. */
import { basename, resolve } from 'node:path';
import type { Command } from '../command.js';
import { parseCommandArgs } from '../args.js';
import { ExitCode, UsageError } from '../../errors.js';
import { readResultFile } from '../../report/load-result.js';
import { buildTrend, trendMarkdown, trendRun, trendText } from '../../report/trend.js';
import { renderHtml } from '../../report/render.js';
import { writeFileAtomic } from '../../atomic-file.js';

export const command: Command = {
  name: 'trend',
  summary: 'Show rps, error rate and latency across several results (oldest → newest)',
  usage: `Usage: loadtest trend <result.json> <result.json> … [--format text|md|json] [--report trend.html]

Sorts the results by start time and prints one sparkline row per headline metric
(rps, error_rate, p50, p95, p99), each run labelled by its file name. --format md
prints the PR-comment block, json the figures. --report writes the newest result's
HTML report with a trend chart of all of them. The trend is context: use
'loadtest compare' for a verdict with statistics.
Exit codes: 0; 2 on bad input.
`,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs('trend', argv, { format: { type: 'string' }, report: { type: 'string' } });
    if (positionals.length < 2) throw new UsageError(`trend takes at least two result files (got ${positionals.length})`);
    const format = (values.format as string | undefined) ?? 'text';
    if (format !== 'text' && format !== 'md' && format !== 'json') throw new UsageError(`--format must be one of text, md, json (got '${format}')`);
    const loaded = positionals.map((p) => ({ result: readResultFile(resolve(io.cwd, p)), label: basename(p) }));
    const trend = buildTrend(loaded.map((l) => trendRun(l.result, l.label)));
    if (format === 'json') io.stdout.write(JSON.stringify(trend, null, 2) + '\n');
    else io.stdout.write(format === 'md' ? trendMarkdown(trend) + '\n' : trendText(trend));
    if (values.report) {
      const newest = [...loaded].sort((a, b) => Date.parse(a.result.run.started_at) - Date.parse(b.result.run.started_at))[loaded.length - 1];
      writeFileAtomic(resolve(io.cwd, values.report as string), renderHtml(newest.result, { trend }));
    }
    return ExitCode.passed;
  },
};
