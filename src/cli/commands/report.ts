/** `loadtest report result.json --format html|md|junit|json [-o FILE] [--baseline base.json]`. */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from '../command.js';
import { parseCommandArgs } from '../args.js';
import { UsageError } from '../../errors.js';
import { checkWritable, writeFileAtomic } from '../../atomic-file.js';
import { readResultFile } from '../../report/load-result.js';
import { render, type Format } from '../../report/render.js';
import { compareResults } from '../../report/compare.js';

const FORMATS: Format[] = ['html', 'md', 'junit', 'json'];

export const command: Command = {
  name: 'report',
  summary: 'Render a result JSON as HTML, Markdown, JUnit XML or JSON',
  usage: `Usage: loadtest report <result.json> [--format html|md|junit|json] [-o FILE] [--baseline base.json]
       loadtest report RUN_ID --controller URL --token T [--format …] [-o FILE]

Renders the result (default: html) to FILE or standard output. With --baseline, the
HTML and Markdown outputs include the statistical comparison with that result.
`,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs('report', argv, { format: { type: 'string', short: 'f' }, out: { type: 'string', short: 'o' }, baseline: { type: 'string' }, controller: { type: 'string' }, token: { type: 'string' } });
    if (positionals.length !== 1) throw new UsageError(`report takes exactly one result file (got ${positionals.length})`);
    const format = (values.format ?? 'html') as Format;
    if (!FORMATS.includes(format)) throw new UsageError(`--format must be one of ${FORMATS.join(', ')} (got '${values.format}')`);
    if (values.out) checkWritable(resolve(io.cwd, values.out as string));
    let text: string;
    if (values.controller || (io.env.LOADTEST_CONTROLLER && !existsSync(resolve(io.cwd, positionals[0])))) {
      const { callApi, controllerRef } = await import('../../service/client.js');
      text = await callApi(controllerRef(values, io.env, 'report'), 'GET', `/runs/${encodeURIComponent(positionals[0])}/report?format=${format}`);
    } else {
      const result = readResultFile(resolve(io.cwd, positionals[0]));
      const comparison = values.baseline ? compareResults(readResultFile(resolve(io.cwd, values.baseline as string)), result) : undefined;
      text = render(result, format, { comparison });
    }
    if (values.out) writeFileAtomic(resolve(io.cwd, values.out as string), text);
    else io.stdout.write(text);
    return 0;
  },
};
