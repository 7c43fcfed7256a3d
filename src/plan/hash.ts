/**
 * The plan's identity: sha256 of a canonical JSON of the resolved plan. Workers refuse
 * a plan whose hash differs from the coordinator's (DESIGN.md "The relay and the
 * protocol"), so the hash covers what changes the load and nothing else: not the file
 * name, not env values (secrets; they may differ per machine), not source line numbers
 * (a comment must not change it).
 */
import { createHash } from 'node:crypto';
import type { Plan } from './types.js';

/** JSON with object keys sorted at every depth and undefined members left out. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  const keys = Object.keys(value).sort();
  const parts: string[] = [];
  for (const k of keys) {
    const v = (value as Record<string, unknown>)[k];
    if (v !== undefined) parts.push(`${JSON.stringify(k)}:${canonicalJson(v)}`);
  }
  return `{${parts.join(',')}}`;
}

/** Drops `line` from every step (nested in groups). */
function withoutLines(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutLines);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) if (!(k === 'line' && (value as { kind?: string }).kind === 'request')) out[k] = withoutLines(v);
  return out;
}

/** sha256 (hex) of the plan's content: everything but `hash`, `file`, `envValues` and step lines. */
export function planHash(plan: Omit<Plan, 'hash'> & { hash?: string }): string {
  const { file: _file, envValues: _env, hash: _hash, ...content } = plan;
  return createHash('sha256').update(canonicalJson(withoutLines(content))).digest('hex');
}
