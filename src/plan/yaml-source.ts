/**
 * Plan text → YAML document, refusing what would exhaust the process before it is
 * built (issue 13): a plan larger than its size limit is refused before a byte is
 * parsed, and nesting deeper than MAX_NESTING is refused from the parser's tokens
 * before the composer (which recurses once per level, and overflowed the stack at
 * ~400–1000 levels: "Maximum call stack size exceeded") ever sees them.
 */
import { Composer, LineCounter, Parser, YAMLParseError, type CST, type Document } from 'yaml';
import { PlanError, UsageError } from '../errors.js';
import { formatLimit, MAX_NESTING, PLAN_SIZE } from './limits.js';
import { parseSizeBytes } from './units.js';

/** The plan size limit in bytes: LOADTEST_MAX_PLAN_SIZE when set (a size), else the default. */
export function planSizeLimit(env: Record<string, string | undefined> | undefined): number {
  const raw = env?.[PLAN_SIZE.env];
  if (raw === undefined || raw === '') return PLAN_SIZE.default;
  const v = parseSizeBytes(raw);
  if (v === undefined || v <= 0 || v > PLAN_SIZE.ceiling) throw new UsageError(`${PLAN_SIZE.env}: must be a size like 1MiB, at most ${formatLimit('size', PLAN_SIZE.ceiling)} (got '${raw}')`);
  return v;
}

/** Throws a located PlanError when a plan of `bytes` is over `limit`. */
export function checkPlanSize(file: string, bytes: number, limit: number): void {
  if (bytes <= limit) return;
  const raise = limit < PLAN_SIZE.ceiling ? `, or raise it with ${PLAN_SIZE.env}=${formatLimit('size', Math.min(PLAN_SIZE.ceiling, limit * 4))} (at most ${formatLimit('size', PLAN_SIZE.ceiling)})` : '';
  throw new PlanError(
    `${file}:1:1: the plan is ${bytes.toLocaleString('en-US')} bytes, over the limit of ${formatLimit('size', limit)} (checked before parsing); move data rows to data: files${raise}`,
    { location: { file, line: 1, col: 1 } },
  );
}

type Token = CST.Token;

/** The first collection nested deeper than `max` (its offset), or undefined. Iterative: depth is what it measures. */
export function tooDeep(tokens: readonly Token[], max: number): number | undefined {
  const stack: [Token, number][] = tokens.map((t) => [t, 0]);
  while (stack.length) {
    const [t, depth] = stack.pop()!;
    if (t.type === 'document') {
      if (t.value) stack.push([t.value, depth]);
      continue;
    }
    if (t.type !== 'block-map' && t.type !== 'block-seq' && t.type !== 'flow-collection') continue;
    if (depth + 1 > max) return t.offset;
    for (const item of t.items) {
      if (item.key) stack.push([item.key, depth + 1]);
      if (item.value) stack.push([item.value, depth + 1]);
    }
  }
  return undefined;
}

/**
 * Parses one YAML document with positions (as `parseDocument` does, with the same
 * options), after the size and nesting checks. YAML syntax errors are left in
 * `doc.errors` for the caller to report.
 */
export function parsePlanYaml(text: string, file: string, sizeLimit: number): { doc: Document.Parsed; lines: LineCounter } {
  checkPlanSize(file, Buffer.byteLength(text, 'utf8'), sizeLimit);
  const lines = new LineCounter();
  const tokens = Array.from(new Parser(lines.addNewLine).parse(text));
  const deep = tooDeep(tokens, MAX_NESTING);
  if (deep !== undefined) {
    const pos = lines.linePos(deep);
    throw new PlanError(`${file}:${pos.line}:${pos.col}: the plan nests deeper than ${MAX_NESTING} levels of maps and lists here; a plan needs far fewer`, {
      location: { file, line: pos.line, col: pos.col },
    });
  }
  const composer = new Composer({ prettyErrors: false, uniqueKeys: true });
  let doc: Document.Parsed | undefined;
  for (const d of composer.compose(tokens, true, text.length)) {
    if (!doc) doc = d;
    else {
      doc.errors.push(new YAMLParseError([d.range[0], d.range[1]], 'MULTIPLE_DOCS', 'Source contains multiple documents; a plan is one document'));
      break;
    }
  }
  return { doc: doc!, lines };
}
