/**
 * What the controller keeps: scenarios (each change of plan text is a new version;
 * runs point at the version they ran), runs with their status and timings, the
 * merged interval snapshots of each run (so a late SSE client, or anyone after a
 * crash, reads what was measured) and the final Result (reports are rendered from it
 * by the same renderers as the CLI, on request).
 */
import { randomBytes } from 'node:crypto';
import type { Snapshot } from '../metrics/types.js';
import type { Result } from '../report/result-schema.js';
import type { SqliteFile } from './sqlite.js';

/** Run states (issue 12). */
export type RunStatus = 'queued' | 'running' | 'completed' | 'failed' | 'aborted';

/** A scenario's version as stored. */
export interface ScenarioVersion {
  version: number;
  planHash: string;
  planFile: string;
  planText: string;
  createdAt: string;
}

/** A scenario with its versions. */
export interface Scenario {
  id: string;
  name: string;
  createdAt: string;
  versions: ScenarioVersion[];
}

/** A run as stored (the Result separately: it can be large). */
export interface RunRecord {
  id: string;
  scenarioId: string | null;
  scenarioVersion: number | null;
  planFile: string;
  planText: string;
  planHash: string;
  status: RunStatus;
  reason: string | null;
  workers: number;
  overrides: Record<string, unknown>;
  createdAt: string;
  startedAt: string | null;
  endedAt: string | null;
  agents: string[];
  exitCode: number | null;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS scenarios (id TEXT PRIMARY KEY, name TEXT NOT NULL, created_at TEXT NOT NULL, deleted INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS scenario_versions (scenario_id TEXT NOT NULL REFERENCES scenarios(id), version INTEGER NOT NULL, plan_hash TEXT NOT NULL, plan_file TEXT NOT NULL, plan_text TEXT NOT NULL, created_at TEXT NOT NULL, PRIMARY KEY (scenario_id, version));
CREATE TABLE IF NOT EXISTS runs (id TEXT PRIMARY KEY, scenario_id TEXT, scenario_version INTEGER, plan_file TEXT NOT NULL, plan_text TEXT NOT NULL, plan_hash TEXT NOT NULL, status TEXT NOT NULL, reason TEXT, workers INTEGER NOT NULL, overrides TEXT NOT NULL, created_at TEXT NOT NULL, started_at TEXT, ended_at TEXT, agents TEXT NOT NULL DEFAULT '[]', exit_code INTEGER, result TEXT);
CREATE TABLE IF NOT EXISTS snapshots (run_id TEXT NOT NULL REFERENCES runs(id), seq INTEGER NOT NULL, active_vus REAL NOT NULL, data TEXT NOT NULL, PRIMARY KEY (run_id, seq));
`;

const now = () => new Date().toISOString();
const newId = (prefix: string) => `${prefix}_${Date.now().toString(36)}${randomBytes(4).toString('hex')}`;

type Row = Record<string, string | number | null>;

function runOf(r: Row): RunRecord {
  return {
    id: r.id as string,
    scenarioId: r.scenario_id as string | null,
    scenarioVersion: r.scenario_version as number | null,
    planFile: r.plan_file as string,
    planText: r.plan_text as string,
    planHash: r.plan_hash as string,
    status: r.status as RunStatus,
    reason: r.reason as string | null,
    workers: r.workers as number,
    overrides: JSON.parse(r.overrides as string) as Record<string, unknown>,
    createdAt: r.created_at as string,
    startedAt: r.started_at as string | null,
    endedAt: r.ended_at as string | null,
    agents: JSON.parse(r.agents as string) as string[],
    exitCode: r.exit_code as number | null,
  };
}

const RUN_COLUMNS = 'id, scenario_id, scenario_version, plan_file, plan_text, plan_hash, status, reason, workers, overrides, created_at, started_at, ended_at, agents, exit_code';

/** The controller's store over one SQLite file. */
export class Store {
  constructor(private readonly db: SqliteFile) {
    db.exec(SCHEMA);
  }

  /**
   * After a restart: runs that were `running` (the controller died under them) become
   * `failed` with the reason; queued ones stay queued. Returns the ids marked failed.
   */
  recover(): string[] {
    const rows = this.db.all<Row>("SELECT id FROM runs WHERE status = 'running'");
    this.db.transaction(() => {
      for (const r of rows) {
        this.db.run("UPDATE runs SET status = 'failed', reason = ?, ended_at = ? WHERE id = ?", ['the controller stopped while the run was running (restarted); the snapshots received before are kept', now(), r.id as string]);
      }
    });
    return rows.map((r) => r.id as string);
  }

  // ── scenarios ──

  /** Stores a plan under a new scenario, or as a new version of `id` when its text changed. */
  putScenario(plan: { name: string; hash: string; file: string; text: string }, id?: string): { scenario: Scenario; created: boolean; version: number } {
    return this.db.transaction(() => {
      const sid = id ?? newId('sc');
      if (!id) this.db.run('INSERT INTO scenarios (id, name, created_at) VALUES (?, ?, ?)', [sid, plan.name, now()]);
      const last = this.db.get<Row>('SELECT version, plan_text FROM scenario_versions WHERE scenario_id = ? ORDER BY version DESC LIMIT 1', [sid]);
      let version = (last?.version as number | undefined) ?? 0;
      const changed = !last || last.plan_text !== plan.text;
      if (changed) {
        version++;
        this.db.run('INSERT INTO scenario_versions (scenario_id, version, plan_hash, plan_file, plan_text, created_at) VALUES (?, ?, ?, ?, ?, ?)', [sid, version, plan.hash, plan.file, plan.text, now()]);
        this.db.run('UPDATE scenarios SET name = ? WHERE id = ?', [plan.name, sid]);
      }
      return { scenario: this.scenario(sid)!, created: !id, version };
    });
  }

  /** A scenario with its versions, or undefined (deleted ones too). */
  scenario(id: string): Scenario | undefined {
    const s = this.db.get<Row>('SELECT id, name, created_at FROM scenarios WHERE id = ? AND deleted = 0', [id]);
    if (!s) return undefined;
    const versions = this.db.all<Row>('SELECT version, plan_hash, plan_file, plan_text, created_at FROM scenario_versions WHERE scenario_id = ? ORDER BY version', [id]).map((v) => ({
      version: v.version as number,
      planHash: v.plan_hash as string,
      planFile: v.plan_file as string,
      planText: v.plan_text as string,
      createdAt: v.created_at as string,
    }));
    return { id, name: s.name as string, createdAt: s.created_at as string, versions };
  }

  /** Every live scenario, newest first, without plan texts. */
  scenarios(): { id: string; name: string; createdAt: string; latestVersion: number }[] {
    return this.db
      .all<Row>('SELECT s.id, s.name, s.created_at, MAX(v.version) AS latest FROM scenarios s JOIN scenario_versions v ON v.scenario_id = s.id WHERE s.deleted = 0 GROUP BY s.id ORDER BY s.created_at DESC')
      .map((r) => ({ id: r.id as string, name: r.name as string, createdAt: r.created_at as string, latestVersion: r.latest as number }));
  }

  /** Hides a scenario; its runs (and their versions) stay. False when there was none. */
  deleteScenario(id: string): boolean {
    if (!this.scenario(id)) return false;
    this.db.run('UPDATE scenarios SET deleted = 1 WHERE id = ?', [id]);
    return true;
  }

  // ── runs ──

  /** Queues a run. */
  addRun(r: Pick<RunRecord, 'scenarioId' | 'scenarioVersion' | 'planFile' | 'planText' | 'planHash' | 'workers' | 'overrides'>): RunRecord {
    const id = newId('run');
    this.db.run(`INSERT INTO runs (id, scenario_id, scenario_version, plan_file, plan_text, plan_hash, status, workers, overrides, created_at) VALUES (?, ?, ?, ?, ?, ?, 'queued', ?, ?, ?)`, [
      id, r.scenarioId, r.scenarioVersion, r.planFile, r.planText, r.planHash, r.workers, JSON.stringify(r.overrides), now(),
    ]);
    return this.run(id)!;
  }

  run(id: string): RunRecord | undefined {
    const r = this.db.get<Row>(`SELECT ${RUN_COLUMNS} FROM runs WHERE id = ?`, [id]);
    return r ? runOf(r) : undefined;
  }

  /** Runs, newest first (optionally of one scenario), at most `limit`. */
  runs(opts: { scenarioId?: string; status?: RunStatus; limit?: number; oldestFirst?: boolean } = {}): RunRecord[] {
    const where: string[] = [];
    const params: (string | number)[] = [];
    if (opts.scenarioId) (where.push('scenario_id = ?'), params.push(opts.scenarioId));
    if (opts.status) (where.push('status = ?'), params.push(opts.status));
    params.push(opts.limit ?? 1000);
    return this.db
      .all<Row>(`SELECT ${RUN_COLUMNS} FROM runs ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at ${opts.oldestFirst ? 'ASC' : 'DESC'}, rowid ${opts.oldestFirst ? 'ASC' : 'DESC'} LIMIT ?`, params)
      .map(runOf);
  }

  markRunning(id: string, agents: string[]): void {
    this.db.run("UPDATE runs SET status = 'running', started_at = ?, agents = ? WHERE id = ?", [now(), JSON.stringify(agents), id]);
  }

  /** Ends a run; `result` is kept when there is one (a partial one for aborted runs). */
  finishRun(id: string, status: Exclude<RunStatus, 'queued' | 'running'>, fields: { reason?: string; result?: Result; exitCode?: number }): void {
    this.db.run('UPDATE runs SET status = ?, reason = ?, ended_at = ?, exit_code = ?, result = ? WHERE id = ?', [
      status, fields.reason ?? null, now(), fields.exitCode ?? null, fields.result ? JSON.stringify(fields.result) : null, id,
    ]);
  }

  /** The run's Result, if it has one. */
  result(id: string): Result | undefined {
    const r = this.db.get<Row>('SELECT result FROM runs WHERE id = ?', [id]);
    return r?.result ? (JSON.parse(r.result as string) as Result) : undefined;
  }

  addSnapshot(runId: string, snapshot: Snapshot, activeVus: number): void {
    this.db.run('INSERT OR REPLACE INTO snapshots (run_id, seq, active_vus, data) VALUES (?, ?, ?, ?)', [runId, snapshot.seq, activeVus, JSON.stringify(snapshot)]);
  }

  /** The run's merged snapshots in order. */
  snapshots(runId: string): { snapshot: Snapshot; activeVus: number }[] {
    return this.db.all<Row>('SELECT active_vus, data FROM snapshots WHERE run_id = ? ORDER BY seq', [runId]).map((r) => ({ snapshot: JSON.parse(r.data as string) as Snapshot, activeVus: r.active_vus as number }));
  }
}
