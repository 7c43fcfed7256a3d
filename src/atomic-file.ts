/**
 * Result, report, summary and JUnit files are written whole or not at all: the text goes
 * to a temporary file beside the target, is flushed to disk, and is renamed over the
 * target (rename(2) is atomic within a file system). A crash or `kill -9` during the write
 * leaves the old file (or none) and a `.<name>.<pid>.tmp` beside it, never a truncated
 * result that a later `loadtest report` or baseline lookup would read as real.
 *
 * Where a run will write is checked before the run starts (`checkWritable`), so a
 * missing permission is a clear error at once, not after the load test has run.
 */
import { accessSync, closeSync, constants, fsyncSync, mkdirSync, openSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { LtError } from './errors.js';

function ioError(path: string, err: unknown): LtError {
  const e = err as NodeJS.ErrnoException;
  const why = e.code === 'EACCES' || e.code === 'EPERM' || e.code === 'EROFS' ? `${e.code}: the directory is not writable` : e.code === 'EISDIR' ? 'it is a directory' : e.message;
  return new LtError('LT_ERR_IO', `cannot write ${path}: ${why}`, { cause: err });
}

/** The temporary file `path` is written to before the rename. */
export function tempPathOf(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
}

/** Writes `text` to `path` atomically (creating its directory); LtError LT_ERR_IO naming the path on failure. */
export function writeFileAtomic(path: string, text: string | Uint8Array): void {
  const tmp = tempPathOf(path);
  let fd: number | undefined;
  try {
    mkdirSync(dirname(path), { recursive: true });
    if (statSync(path, { throwIfNoEntry: false })?.isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
    fd = openSync(tmp, 'w');
    const bytes = typeof text === 'string' ? Buffer.from(text) : text;
    for (let off = 0; off < bytes.length; ) off += writeSync(fd, bytes, off, bytes.length - off);
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(tmp, path);
  } catch (err) {
    if (fd !== undefined) closeSync(fd);
    try {
      unlinkSync(tmp);
    } catch {
      // never created, or already renamed
    }
    throw ioError(path, err);
  }
}

/**
 * Checks, before a run, that `path` can be written: its directory exists or can be
 * created (it is created now), is writable, and `path` is not a directory.
 */
export function checkWritable(path: string): void {
  try {
    const dir = dirname(path);
    mkdirSync(dir, { recursive: true });
    accessSync(dir, constants.W_OK);
    if (statSync(path, { throwIfNoEntry: false })?.isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
  } catch (err) {
    throw ioError(path, err);
  }
}
