/**
 * Regular expressions for extractors and body checks, matched in linear time.
 *
 * A JS RegExp backtracks: `^(a+)+$` on a 50 KB body of `a`s never returns, and the
 * VU loop is synchronous there, so one response stopped the whole run (issue 16,
 * point 2). RE2 (through re2js, a pure-JS port: no native build, no install script)
 * matches in time linear in the body size, whatever the pattern's shape (the
 * `^(a+)+$` case above now fails to match in milliseconds). The price: RE2 has no backreferences and
 * no lookaround; such patterns are refused at plan load with a message saying so.
 *
 * Patterns keep JS syntax: re2js's translateRegExp maps `(?<name>…)`, `\u00e9`, `\cA`
 * and `[^]` to their RE2 spelling.
 */
import { RE2JS } from 're2js';

/** A compiled pattern. */
export interface LinearRegex {
  /** The pattern as written in the plan. */
  readonly source: string;
  /** Number of capture groups (group 0, the whole match, not counted). */
  readonly groupCount: number;
  /** First match: index 0 the whole match, then the groups (undefined when a group took no part). */
  exec(input: string): (string | undefined)[] | null;
}

/** Either a compiled pattern or why it cannot be one. */
export type LinearRegexResult = { ok: true; re: LinearRegex } | { ok: false; message: string };

/**
 * What RE2 cannot do, found before RE2 sees the pattern: re2js would misread some of
 * them (it translates `\k<x>` to the literal `k<x>`) or name them obscurely.
 */
function unsupported(pattern: string): string | undefined {
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') {
      const n = pattern[i + 1] ?? '';
      if (!inClass && n >= '1' && n <= '9') return `uses a backreference (\\${n})`;
      if (!inClass && n === 'k' && pattern[i + 2] === '<') return 'uses a named backreference (\\k<…>)';
      i++;
    } else if (inClass) {
      if (c === ']') inClass = false;
    } else if (c === '[') inClass = true;
    else if (c === '(' && pattern[i + 1] === '?') {
      const a = pattern.slice(i + 2, i + 4);
      if (a[0] === '=' || a[0] === '!') return `uses a lookahead (?${a[0]}…)`;
      if (a === '<=' || a === '<!') return `uses a lookbehind (?${a}…)`;
    }
  }
  return undefined;
}

/**
 * Compiles `pattern` (JS syntax) for linear-time matching. Never throws: a pattern
 * that is invalid, or needs backtracking (backreferences, lookaround), comes back
 * as `{ ok: false, message }` for the caller to turn into a located plan error
 * (`message` reads after the key: "is not a valid regular expression: …").
 */
export function compileLinearRegex(pattern: string): LinearRegexResult {
  const why = unsupported(pattern);
  if (why !== undefined) return { ok: false, message: `${why}, which the linear-time regex engine (RE2) does not support` };
  let re: RE2JS;
  try {
    re = RE2JS.compile(RE2JS.translateRegExp(pattern));
  } catch (err) {
    return { ok: false, message: `is not a valid regular expression: ${(err as Error).message.replace(/^error parsing regexp: /, '')}` };
  }
  const groupCount = re.groupCount();
  return {
    ok: true,
    re: {
      source: pattern,
      groupCount,
      // exec() rather than test() for checks too: on a 50 KB body with no literal
      // prefix to skip to, test()'s DFA took ~540 µs and exec() ~16 µs (re2js 2.10,
      // a one-off probe on this machine). Unmatched groups are undefined, as in JS.
      exec: (input) => re.exec(input),
    },
  };
}
