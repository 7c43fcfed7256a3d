/**
 * The controller's embedded SQLite database, through sql.js (SQLite compiled to WASM).
 *
 * Why sql.js: Node 20 (this project's floor, `engines: >=20.18`) has no node:sqlite
 * (Node ≥ 22.5); better-sqlite3 12 would build from source with node-gyp on every
 * install where no prebuilt binary can be downloaded (its install fetches one from
 * outside the npm registry first), and 13 crashes on Node 20; a native .node file also
 * cannot travel inside the esbuild bundle. sql.js is pure npm, no build step, and its
 * .wasm is read from the installed package at first use (never at CLI start-up).
 *
 * sql.js keeps the database in memory, so every write transaction ends with the whole
 * file written atomically (temp file + fsync + rename): a crash leaves either the old
 * or the new file, never a torn one. The controller's database is small (scenarios,
 * runs, their snapshots and results: megabytes), so a full write per transaction is
 * cheap; snapshots are batched into one transaction per merged interval.
 */
import { existsSync, readFileSync } from 'node:fs';
import { writeFileAtomic } from '../atomic-file.js';
import { createRequire } from 'node:module';
import { LtError } from '../errors.js';
import type { Database, SqlJsStatic } from 'sql.js';

let engine: Promise<SqlJsStatic> | undefined;

async function loadEngine(): Promise<SqlJsStatic> {
  const require = createRequire(import.meta.url);
  let wasm: Uint8Array;
  try {
    wasm = readFileSync(require.resolve('sql.js/dist/sql-wasm.wasm'));
  } catch (err) {
    throw new LtError('LT_ERR_INTERNAL', `cannot load SQLite (sql.js) for the controller's database: ${(err as Error).message}`, { cause: err });
  }
  const init = (await import('sql.js')).default;
  return init({ wasmBinary: wasm });
}

/** A SQL value sql.js binds. */
export type SqlValue = string | number | null | Uint8Array;

/** One open database file. */
export class SqliteFile {
  private depth = 0;
  private closed = false;

  private constructor(
    private readonly db: Database,
    /** The file, or undefined for an in-memory database. */
    readonly path: string | undefined,
  ) {}

  /** Opens (or creates) the database at `path` (`:memory:` keeps nothing on disk). */
  static async open(path: string): Promise<SqliteFile> {
    const SQL = await (engine ??= loadEngine());
    const file = path === ':memory:' ? undefined : path;
    let data: Uint8Array | undefined;
    if (file && existsSync(file)) {
      try {
        data = readFileSync(file);
      } catch (err) {
        throw new LtError('LT_ERR_IO', `cannot read database ${file}: ${(err as Error).message}`, { cause: err });
      }
    }
    let db: Database;
    try {
      db = new SQL.Database(data);
      db.exec('PRAGMA foreign_keys = ON');
      db.exec('SELECT count(*) FROM sqlite_master');
    } catch (err) {
      throw new LtError('LT_ERR_IO', `${file}: not a loadtest controller database (${(err as Error).message})`, { cause: err });
    }
    return new SqliteFile(db, file);
  }

  /** Rows of a query, as objects. */
  all<T = Record<string, unknown>>(sql: string, params: SqlValue[] = []): T[] {
    const st = this.db.prepare(sql);
    try {
      st.bind(params);
      const rows: T[] = [];
      while (st.step()) rows.push(st.getAsObject() as T);
      return rows;
    } finally {
      st.free();
    }
  }

  /** The first row, or undefined. */
  get<T = Record<string, unknown>>(sql: string, params: SqlValue[] = []): T | undefined {
    return this.all<T>(sql, params)[0];
  }

  /** Runs a statement; outside a transaction it is one (and the file is written). */
  run(sql: string, params: SqlValue[] = []): void {
    this.transaction(() => this.db.run(sql, params));
  }

  /** Runs DDL (several statements). */
  exec(sql: string): void {
    this.transaction(() => this.db.exec(sql));
  }

  /** Runs `fn` in one transaction; the file is written once, when the outermost ends. */
  transaction<T>(fn: () => T): T {
    if (this.closed) throw new LtError('LT_ERR_INTERNAL', 'database closed');
    if (this.depth > 0) return fn();
    this.depth++;
    this.db.exec('BEGIN');
    try {
      const out = fn();
      this.db.exec('COMMIT');
      this.persist();
      return out;
    } catch (err) {
      this.db.exec('ROLLBACK');
      throw err;
    } finally {
      this.depth--;
    }
  }

  private persist(): void {
    if (this.path) writeFileAtomic(this.path, this.db.export());
  }

  /** Closes the database (everything is already on disk). Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.db.close();
  }
}
