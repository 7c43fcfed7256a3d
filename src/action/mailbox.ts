/**
 * A mailbox of small JSON artifacts in the current workflow run, over the real
 * @actions/artifact client (v4 backend: Twirp + blob storage). Every job of a run can
 * list and download every artifact of the run as soon as it is finalized, which is
 * what lets matrix jobs on hosted runners, which cannot reach each other, meet
 * (research/gha.md §5). Names are `<prefix>.<name>`; the prefix makes them unique per
 * run attempt. This module knows nothing of engines or clusters.
 *
 * Facts of the client this relies on (node_modules/@actions/artifact, 6.2):
 * - `skipArchive` uploads one raw file and names the artifact after the file's
 *   basename, so the message file is named exactly like the artifact; its digest is
 *   then the sha256 of our own bytes, which lets a retry recognise its own upload;
 * - Twirp 5xx/429 are retried inside the client (5 attempts, 3 s × 1.5 backoff), but
 *   a dropped connection (ECONNRESET, ECONNREFUSED…) is thrown at once: those are the
 *   failures worth retrying here;
 * - a lost answer to FinalizeArtifact makes the client's own retry fail although the
 *   artifact exists; so after any failure, put() looks for the name before retrying.
 */
import { DefaultArtifactClient, type ArtifactClient } from '@actions/artifact';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LtError } from '../errors.js';
import type { Mailbox } from '../cluster/artifacts-transport.js';

/** Options of ArtifactMailbox. */
export interface MailboxOptions {
  /** Unique per run attempt, e.g. `lt-<run id>-<attempt>`. */
  prefix: string;
  /** Where message files are staged and downloads land (unique subdirectories, removed after use). */
  tmpDir: string;
  /** Default: the real DefaultArtifactClient. */
  client?: ArtifactClient;
  log?: (msg: string) => void;
  /** Attempts for transient failures (default 3). */
  attempts?: number;
  /** First backoff between attempts, doubled each time (default 1000 ms). */
  retryBaseMs?: number;
}

/** Artifact names cannot hold `" : < > | * ? \r \n \ /` (the client's validateArtifactName). */
const INVALID = /["<>|*?\r\n\\/:]/g;
const HAS_INVALID = /["<>|*?\r\n\\/:]/;
/** Failures a retry cannot fix (client error classes or its "non-retryable" wording). */
const PERMANENT_NAMES = new Set(['GHESNotSupportedError', 'UsageError', 'FilesNotFoundError', 'ArtifactNotFoundError', 'InvalidResponseError']);
const isPermanent = (err: unknown) => PERMANENT_NAMES.has((err as Error)?.name) || /non-retryable|not currently supported on GHES|storage quota/i.test(messageOf(err));
const isDuplicate = (err: unknown) => /\(409\)|already exists/i.test(messageOf(err));
const messageOf = (err: unknown) => (err instanceof Error ? err.message : String(err));

/** The mailbox prefix of this workflow run attempt. */
export function mailboxPrefix(env: NodeJS.ProcessEnv = process.env): string {
  return `lt-${env.GITHUB_RUN_ID ?? 'local'}-${env.GITHUB_RUN_ATTEMPT ?? '1'}`;
}

/** JSON artifacts as a mailbox; see the module comment. */
export class ArtifactMailbox implements Mailbox {
  private readonly client: ArtifactClient;
  private readonly attempts: number;
  private readonly retryBaseMs: number;
  /** Full name → id and digest, from list() and put(): saves a lookup per get(). */
  private readonly known = new Map<string, { id: number; digest?: string }>();

  constructor(private readonly opts: MailboxOptions) {
    if (!opts.prefix || HAS_INVALID.test(opts.prefix)) throw new LtError('LT_ERR_ARTIFACT', `mailbox prefix ${JSON.stringify(opts.prefix)} is empty or holds a character artifact names cannot (" : < > | * ? \\ / or a newline)`);
    this.client = opts.client ?? new DefaultArtifactClient();
    this.attempts = Math.max(1, opts.attempts ?? 3);
    this.retryBaseMs = opts.retryBaseMs ?? 1000;
    mkdirSync(opts.tmpDir, { recursive: true });
  }

  /** The artifact name of a message: `<prefix>.<name>`, forbidden characters replaced by `_`. */
  fullName(name: string): string {
    return `${this.opts.prefix}.${name.replace(INVALID, '_')}`;
  }

  /**
   * Uploads `value` as JSON in an artifact named `<prefix>.<name>`. Transient failures
   * are retried with backoff; a name already used in this run by other content is an
   * LtError('LT_ERR_ARTIFACT') saying so (names are unique per run: the service's 409).
   */
  async put(name: string, value: unknown): Promise<{ id: number }> {
    const full = this.fullName(name);
    // The client derives the content type from the extension; a `.zip` one would be unzipped on download.
    if (/\.zip$/i.test(full)) throw new LtError('LT_ERR_ARTIFACT', `mailbox message name ${JSON.stringify(name)} must not end in .zip`);
    const text = JSON.stringify(value);
    if (text === undefined) throw new LtError('LT_ERR_ARTIFACT', `mailbox message ${full}: value is not JSON-serialisable`);
    const bytes = Buffer.from(text);
    const digest = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
    const dir = mkdtempSync(join(this.opts.tmpDir, 'put-'));
    try {
      const file = join(dir, full);
      writeFileSync(file, bytes);
      for (let attempt = 1; ; attempt++) {
        try {
          const r = await this.client.uploadArtifact(full, [file], dir, { skipArchive: true, retentionDays: 1 });
          const id = r.id ?? (await this.find(full))?.id;
          if (id === undefined) throw new LtError('LT_ERR_ARTIFACT', `uploaded ${full} but the service returned no artifact id`);
          this.known.set(full, { id, digest });
          return { id };
        } catch (err) {
          if (err instanceof LtError) throw err;
          if (attempt === 1 && isDuplicate(err)) throw duplicate(full, err);
          // The upload may have landed although we saw an error (a lost answer): is it there, and ours?
          const existing = await this.find(full).catch(() => undefined);
          if (existing?.digest === digest) {
            this.opts.log?.(`mailbox: ${full} was stored despite an error (${messageOf(err)}); using it`);
            this.known.set(full, { id: existing.id, digest });
            return { id: existing.id };
          }
          if (existing) throw duplicate(full, err);
          if (isDuplicate(err)) throw new LtError('LT_ERR_ARTIFACT', `mailbox: the name ${full} is held by an unfinished upload in this workflow run and cannot be reused: ${messageOf(err)}`, { cause: err });
          if (isPermanent(err) || attempt >= this.attempts) throw failure(`uploading ${full}`, attempt, err);
          await this.backoff(`uploading ${full}`, attempt, err);
        }
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  /** Finalized artifacts of this run whose name starts with `<prefix>.<namePrefix>`, full names, oldest first. */
  async list(namePrefix: string): Promise<{ id: number; name: string; createdAt?: Date }[]> {
    const want = this.fullName(namePrefix);
    const r = await this.retrying('listing artifacts', () => this.client.listArtifacts({ latest: true }));
    const out = r.artifacts.filter((a) => a.name.startsWith(want)).sort((a, b) => a.id - b.id);
    for (const a of out) this.known.set(a.name, { id: a.id, digest: a.digest });
    return out.map((a) => ({ id: a.id, name: a.name, createdAt: a.createdAt }));
  }

  /** Downloads and parses `<prefix>.<name>` (digest checked); undefined when there is no such artifact. */
  async get<T>(name: string): Promise<T | undefined> {
    const full = this.fullName(name);
    const art = this.known.get(full) ?? (await this.find(full));
    if (!art) return undefined;
    const dir = mkdtempSync(join(this.opts.tmpDir, 'get-'));
    try {
      await this.retrying(`downloading ${full}`, async () => {
        rmSync(dir, { recursive: true, force: true });
        mkdirSync(dir);
        const r = await this.client.downloadArtifact(art.id, { path: dir, expectedHash: art.digest });
        if (r.digestMismatch) throw new Error(`digest of the download differs from ${art.digest}`);
      });
      const files = readdirSync(dir);
      if (files.length !== 1) throw new LtError('LT_ERR_ARTIFACT', `artifact ${full} should hold one JSON file, holds ${files.length}: ${files.join(', ')}`);
      try {
        return JSON.parse(readFileSync(join(dir, files[0]), 'utf8')) as T;
      } catch (err) {
        throw new LtError('LT_ERR_ARTIFACT', `artifact ${full} is not valid JSON: ${messageOf(err)}`, { cause: err });
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  /**
   * Polls list() every `pollMs` until `count` messages with the prefix exist, the time
   * is up or `signal` aborts; returns the full names found (maybe fewer than `count`).
   */
  async waitFor(namePrefix: string, opts: { count: number; timeoutMs: number; pollMs: number; signal?: AbortSignal }): Promise<string[]> {
    const until = Date.now() + opts.timeoutMs;
    for (;;) {
      const names = (await this.list(namePrefix)).map((a) => a.name);
      const left = until - Date.now();
      if (names.length >= opts.count || left <= 0 || opts.signal?.aborted) return names;
      await sleep(Math.min(opts.pollMs, left), opts.signal);
    }
  }

  /** The artifact of this exact full name (newest id), or undefined. */
  private async find(full: string): Promise<{ id: number; digest?: string } | undefined> {
    try {
      const { artifact } = await this.client.getArtifact(full);
      return { id: artifact.id, digest: artifact.digest };
    } catch (err) {
      if ((err as Error)?.name === 'ArtifactNotFoundError') return undefined;
      throw err;
    }
  }

  private async retrying<T>(what: string, fn: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await fn();
      } catch (err) {
        if (err instanceof LtError) throw err;
        if (isPermanent(err) || attempt >= this.attempts) throw failure(what, attempt, err);
        await this.backoff(what, attempt, err);
      }
    }
  }

  private async backoff(what: string, attempt: number, err: unknown): Promise<void> {
    const ms = this.retryBaseMs * 2 ** (attempt - 1);
    this.opts.log?.(`mailbox: ${what} failed (attempt ${attempt} of ${this.attempts}), retrying in ${ms} ms: ${messageOf(err)}`);
    await sleep(ms);
  }
}

function duplicate(full: string, err: unknown): LtError {
  return new LtError('LT_ERR_ARTIFACT', `mailbox: an artifact named ${full} already exists in this workflow run (names are unique per run): ${messageOf(err)}`, { cause: err });
}

function failure(what: string, attempt: number, err: unknown): LtError {
  return new LtError('LT_ERR_ARTIFACT', `mailbox: ${what} failed${attempt > 1 ? ` after ${attempt} attempts` : ''}: ${messageOf(err)}`, { cause: err });
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const t = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}
