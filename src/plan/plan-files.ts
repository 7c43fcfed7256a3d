/**
 * Files a plan names (data files, `body_file:`), read once when the plan loads, under
 * one policy: relative to the plan's folder (the base directory), confined by the
 * runner's allow-list when it gives one (trust.ts), size checked on the open file
 * before a byte is read (so a huge file costs nothing), and every failure a located
 * PlanError naming the file as written and where it was looked for.
 */
import { closeSync, fstatSync, openSync, readFileSync } from 'node:fs';
import { resolve as resolvePath } from 'node:path';
import { PlanError } from '../errors.js';
import { limitMessage, type LimitKey, type Limits } from './limits.js';
import { fail, show, type Locator, type Path } from './locate.js';
import { dataPathProblem, type TrustOptions } from './trust.js';
import type { TemplateText } from './types.js';

/** Where a plan's files are and who may read what. */
export interface PlanFiles {
  baseDir: string;
  trust: TrustOptions;
  limits: Readonly<Limits>;
}

/**
 * The bytes of `file` (as written in the plan, at `path`), or a located PlanError:
 * outside the allowed folders, over limit `limit`, missing, a directory, unreadable.
 * `what` names the kind of file in messages ("data file", "body file").
 */
export function readPlanFile(loc: Locator, path: Path, file: string, files: PlanFiles, limit: LimitKey, what: string): Buffer {
  const abs = resolvePath(files.baseDir, file);
  const outside = dataPathProblem(abs, files.baseDir, files.trust, what);
  if (outside) fail(loc, path, outside);
  try {
    const fd = openSync(abs, 'r');
    try {
      const bytes = fstatSync(fd).size;
      if (bytes > files.limits[limit]) fail(loc, path, limitMessage(limit, files.limits, `${what} ${show(file)} (${bytes.toLocaleString('en-US')} bytes)`));
      return readFileSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch (err) {
    if (err instanceof PlanError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    return fail(loc, path, `cannot read ${what} ${show(file)} (${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : (code ?? (err as Error).message)}; looked in ${files.baseDir})`);
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * A step's `body_file:` as its request body: read once, here, at plan load (every
 * request then sends it from memory), bounded by `limits.max_body_file`, sent as
 * written — not a template, so a file holding `{{` is sent unchanged. UTF-8 text only:
 * the engine's bodies are strings, and a binary file would be silently re-encoded.
 */
export function readBodyFile(loc: Locator, path: Path, file: string, files: PlanFiles): TemplateText {
  const bytes = readPlanFile(loc, path, file, files, 'max_body_file', 'body file');
  try {
    return { raw: utf8.decode(bytes), dynamic: false };
  } catch {
    return fail(loc, path, `body file ${show(file)} is not UTF-8 text (binary bodies are not supported; send text, e.g. base64)`);
  }
}
