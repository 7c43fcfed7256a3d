/**
 * `loadtest demo` — a real load test against the built-in demo target, in one
 * command: starts the target on a free loopback port, runs examples/demo.yaml
 * against it, and writes the result, HTML report, Markdown summary and JUnit XML.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from '../command.js';
import { parseFlagsOnly } from '../args.js';
import { validateOptions } from '../../options.js';
import { LtError } from '../../errors.js';
import { startDemoTarget } from '../../demo/target.js';
import { runCommand } from './run.js';
import { finalTable } from '../progress.js';

/** examples/demo.yaml from the source tree or next to dist/. */
function demoPlanPath(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  for (const rel of ['../examples/demo.yaml', '../../../examples/demo.yaml', '../../examples/demo.yaml']) {
    const p = resolve(here, rel);
    if (existsSync(p)) return p;
  }
  throw new LtError('LT_ERR_IO', `examples/demo.yaml not found near ${here}`);
}

export const command: Command = {
  name: 'demo',
  summary: 'Run the demo plan against the built-in demo target and write a report',
  usage: `Usage: loadtest demo [--dir loadtest-demo] [--duration 10s]

Starts the demo target on 127.0.0.1 (a free port), runs examples/demo.yaml against
it, and writes result.json, report.html, summary.md and junit.xml into --dir.
`,
  async run(argv, io) {
    const values = parseFlagsOnly('demo', argv, { dir: { type: 'string' }, duration: { type: 'string' }, quiet: { type: 'boolean' } });
    const dir = resolve(io.cwd, (values.dir as string) ?? 'loadtest-demo');
    const target = await startDemoTarget({ port: 0, quiet: true });
    io.stderr.write(`demo target listening on ${target.url}\n`);
    try {
      const opts = validateOptions(
        { target: target.url, duration: values.duration as string | undefined, quiet: values.quiet as boolean | undefined, out: join(dir, 'result.json'), report: join(dir, 'report.html'), summary: join(dir, 'summary.md'), junit: join(dir, 'junit.xml') },
        'cli',
      );
      const { result } = await runCommand(demoPlanPath(), opts, io);
      io.stdout.write(finalTable(result));
      io.stdout.write(`wrote ${join(dir, 'result.json')}, report.html, summary.md, junit.xml\n`);
      return result.run.exit_code;
    } finally {
      await target.close();
    }
  },
};
