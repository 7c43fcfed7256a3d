/**
 * A mailbox of small JSON artifacts in the current workflow run, over the real
 * @actions/artifact client (v4 backend: Twirp + blob storage). Every job of a run can
 * list and download every artifact of the run as soon as it is finalized, which is
 * what lets matrix jobs on hosted runners, which cannot reach each other, meet.
 * Names are `<prefix>.<name>`; the prefix makes them unique per run attempt.
 */
import { DefaultArtifactClient, type ArtifactClient } from '@actions/artifact';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LtError } from '../errors.js';
import type { Mailbox } from '../cluster/artifacts-transport.js';

export interface MailboxOptions {
  /** Unique per run attempt, e.g. `lt-<run id>-<attempt>`. */
  prefix: string;
  tmpDir: string;
  client?: ArtifactClient;
  log?: (msg: string) => void;
  /** Attempts for transient failures (default 4). */
  attempts?: number;
}

const INVALID = /["<>|*?\r\n\\/:]/g;

/** The mailbox prefix of this workflow run attempt. */
export function mailboxPrefix(env: NodeJS.ProcessEnv = process.env): string {
  return `lt-${env.GITHUB_RUN_ID ?? 'local'}-${env.GITHUB_RUN_ATTEMPT ?? '1'}`;
}

/** JSON artifacts as a mailbox; see the module comment. */
export class ArtifactMailbox implements Mailbox {
  private readonly client: ArtifactClient;
  private readonly ids = new Map<string, number>();

  constructor(private readonly opts: MailboxOptions) {
    this.client = opts.client ?? new DefaultArtifactClient();
    mkdirSync(opts.tmpDir, { recursive: true });
  }

  private full(name: string): string {
    return `${this.opts.prefix}.${name}`.replace(INVALID, '_');
  }

  private async retry<T>(what: string, fn: () => Promise<T>): Promise<T> {
    const attempts = this.opts.attempts ?? 4;
    for (let i = 1; ; i++) {
      try {
        return await fn();
      } catch (err) {
        const msg = (err as Error).message ?? String(err);
        // A duplicate name is final: names are unique per run (the service answers 409).
        if (/already exists|409|Conflict/i.test(msg)) throw new LtError('LT_ERR_ARTIFACT', `${what}: an artifact with this name already exists in this workflow run`, { cause: err });
        if (i >= attempts) throw new LtError('LT_ERR_ARTIFACT', `${what} failed after ${attempts} attempts: ${msg}`, { cause: err });
        this.opts.log?.(`${what} failed (attempt ${i} of ${attempts}), retrying: ${msg}`);
        await new Promise((r) => setTimeout(r, 500 * 2 ** (i - 1)));
      }
    }
  }

  /** Uploads `value` as JSON in an artifact named `<prefix>.<name>`. */
  async put(name: string, value: unknown): Promise<{ id: number }> {
    const full = this.full(name);
    const dir = mkdtempSync(join(this.opts.tmpDir, 'put-'));
    try {
      const file = join(dir, 'message.json');
      writeFileSync(file, JSON.stringify(value));
      const r = await this.retry(`uploading ${full}`, () => this.client.uploadArtifact(full, [file], dir, { retentionDays: 1, compressionLevel: 1 }));
      if (r.id !== undefined) this.ids.set(full, r.id);
      return { id: r.id ?? 0 };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  /** Artifacts of this run whose name starts with `<prefix>.<namePrefix>` (names returned in full). */
  async list(namePrefix: string): Promise<{ id: number; name: string; createdAt?: Date }[]> {
    const want = this.full(namePrefix);
    const r = await this.retry('listing artifacts', () => this.client.listArtifacts({ latest: true }));
    const out = r.artifacts.filter((a) => a.name.startsWith(want)).map((a) => ({ id: a.id, name: a.name, createdAt: a.createdAt }));
    for (const a of out) this.ids.set(a.name, a.id);
    return out;
  }

  /** Downloads and parses `<prefix>.<name>`; undefined when there is no such artifact. */
  async get<T>(name: string): Promise<T | undefined> {
    const full = this.full(name);
    let id = this.ids.get(full);
    if (id === undefined) {
      await this.list(name);
      id = this.ids.get(full);
      if (id === undefined) return undefined;
    }
    const dir = mkdtempSync(join(this.opts.tmpDir, 'get-'));
    try {
      await this.retry(`downloading ${full}`, () => this.client.downloadArtifact(id!, { path: dir }));
      const file = readdirSync(dir).find((f) => f.endsWith('.json'));
      if (!file) throw new LtError('LT_ERR_ARTIFACT', `artifact ${full} holds no JSON file`);
      try {
        return JSON.parse(readFileSync(join(dir, file), 'utf8')) as T;
      } catch (err) {
        throw new LtError('LT_ERR_ARTIFACT', `artifact ${full} is not valid JSON: ${(err as Error).message}`, { cause: err });
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  /** Polls until `count` artifacts with the prefix exist (or the time is up); returns their names. */
  async waitFor(namePrefix: string, opts: { count: number; timeoutMs: number; pollMs: number; signal?: AbortSignal }): Promise<string[]> {
    const until = Date.now() + opts.timeoutMs;
    for (;;) {
      const names = (await this.list(namePrefix)).map((a) => a.name);
      if (names.length >= opts.count || Date.now() >= until || opts.signal?.aborted) return names;
      await new Promise((r) => setTimeout(r, opts.pollMs));
    }
  }
}
