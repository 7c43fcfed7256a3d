/**
 * `--log-format json` (or LOADTEST_LOG_FORMAT=json): every line `loadtest` writes to
 * standard error — the CLI's errors, the coordinator's, workers', agents' and the
 * controller's log lines — becomes one JSON object per line, in the shape of the seed's
 * controller logs (log/slog): `{"time","level","msg","component",…fields}`. Standard
 * output (the live progress, the final table, `--json` answers) is left as it is, so a
 * terminal still shows progress while a log collector reads standard error.
 */
import { Writable } from 'node:stream';
import { UsageError } from '../errors.js';

/** The two formats of standard error. */
export type LogFormat = 'text' | 'json';
const FORMATS: readonly LogFormat[] = ['text', 'json'];

/** slog's level names. */
export type LogLevel = 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';

/**
 * Takes `--log-format X` / `--log-format=X` out of `argv` (anywhere before a `--`),
 * falling back to `env.LOADTEST_LOG_FORMAT`, then `text`. A value other than text or
 * json is a usage error naming it and where it came from.
 */
export function takeLogFormat(argv: readonly string[], env: NodeJS.ProcessEnv): { format: LogFormat; argv: string[] } {
  const rest: string[] = [];
  let value: string | undefined;
  let source = 'LOADTEST_LOG_FORMAT';
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') {
      rest.push(...argv.slice(i));
      break;
    }
    if (a === '--log-format') {
      value = argv[++i];
      source = '--log-format';
      if (value === undefined) throw new UsageError('--log-format needs a value: text or json');
    } else if (a.startsWith('--log-format=')) {
      value = a.slice('--log-format='.length);
      source = '--log-format';
    } else rest.push(a);
  }
  const format = value ?? env.LOADTEST_LOG_FORMAT ?? 'text';
  if (!(FORMATS as readonly string[]).includes(format)) throw new UsageError(`${source} must be text or json (got '${format}')`);
  return { format: format as LogFormat, argv: rest };
}

/**
 * The level of a text log line: the project's lines say what they are in their first
 * words ("…: internal error: …", "WARNING …", "warning: …", "error: …").
 */
export function levelOf(line: string): LogLevel {
  if (/\binternal error\b|\berror:|^error\b/i.test(line)) return 'ERROR';
  if (/^(\s*⚠\s*)?warn(ing)?\b/i.test(line) || /\bwarning:/i.test(line)) return 'WARN';
  return 'INFO';
}

/** The parts of the project that write log lines, as their lines begin ("agent a1: …"). */
const SUBJECT = /^(?:\[[^\]]+\] )?(coordinator|worker|agent|relay|controller|artifacts relay|dashboard|demo target)(?: ('?)([\w.:-]+)\2)?:/;

/**
 * Fields read from a text line's subject: `source` (which part wrote it) and, where the
 * line names one, that part's id (`worker_id`, `agent_id`, …).
 */
export function fieldsOf(line: string): Record<string, string> {
  const m = SUBJECT.exec(line);
  if (!m) return {};
  const source = m[1].replace(' ', '_');
  return m[3] ? { source, [`${source}_id`]: m[3] } : { source };
}

/**
 * A stream that turns each line written to it into one JSON object on `out`. Partial
 * lines are held until their newline (or until the stream ends); carriage-return
 * redraws and blank lines carry no message and are dropped.
 */
export class JsonLogStream extends Writable {
  private pending = '';
  constructor(
    private readonly out: NodeJS.WritableStream,
    private readonly component: string,
    private readonly now: () => Date = () => new Date(),
  ) {
    super({ decodeStrings: false });
  }

  /** Writes one record with `level` and extra `fields` (a field never overrides time/level/msg). */
  log(level: LogLevel, msg: string, fields: Record<string, unknown> = {}): void {
    this.out.write(JSON.stringify({ ...fields, time: this.now().toISOString(), level, msg, component: this.component }) + '\n');
  }

  override _write(chunk: string | Buffer, _enc: BufferEncoding, done: (err?: Error | null) => void): void {
    const lines = (this.pending + chunk.toString()).split('\n');
    this.pending = lines.pop() ?? '';
    for (const line of lines) this.line(line);
    done();
  }

  override _final(done: (err?: Error | null) => void): void {
    this.line(this.pending);
    this.pending = '';
    done();
  }

  private line(raw: string): void {
    // The last redraw of a `\r`-updated line is what it says.
    const text = raw.slice(raw.lastIndexOf('\r') + 1).trim();
    if (text) this.log(levelOf(text), text, fieldsOf(text));
  }
}

/**
 * Writes a message to standard error in its format: a record with `fields` on a
 * JsonLogStream, the plain line otherwise.
 */
export function logTo(stream: NodeJS.WritableStream, level: LogLevel, msg: string, fields?: Record<string, unknown>): void {
  if (stream instanceof JsonLogStream) stream.log(level, msg, fields);
  else stream.write(`${msg}\n`);
}
