/**
 * `{{ }}` templates in request text, compiled once per run (Handlebars, no HTML
 * escaping — these are requests, not pages). Static text costs nothing: it compiles
 * to a function returning the string. The context holds extracted variables at the
 * top level, `vu.id`, `iteration`, `env.NAME` (allow-listed), the data row under
 * `data.`, and the VU's random stream (so `seed` reproduces helper output).
 */
import Handlebars from 'handlebars';
import { randomUUID } from 'node:crypto';
import type { TemplateText } from '../../plan/types.js';
import type { Rng } from './random.js';

/** What templates see. `__rng` is the VU's stream (not for users). */
export type TemplateContext = Record<string, unknown> & { __rng?: Rng };

const hb = Handlebars.create();
type Opts = Handlebars.HelperOptions & { data: { root: TemplateContext } };
const rngOf = (o: Opts): Rng | undefined => o?.data?.root?.__rng;
const rand = (o: Opts) => rngOf(o)?.next() ?? Math.random();
const ALPHANUM = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

hb.registerHelper('uuid', (o: Opts) => {
  const r = rngOf(o);
  if (!r) return randomUUID();
  const b = Array.from({ length: 16 }, () => r.int(0, 255));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = b.map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
});
hb.registerHelper('randomInt', (min: unknown, max: unknown, o: Opts) => {
  const lo = Number(min);
  const hi = Number(max);
  return lo + Math.floor(rand(o) * (hi - lo + 1));
});
hb.registerHelper('randomItem', (list: unknown, o: Opts) => {
  if (!Array.isArray(list) || list.length === 0) return '';
  return list[Math.floor(rand(o) * list.length)];
});
hb.registerHelper('randomString', (len: unknown, o: Opts) => {
  const n = Number(len) || 8;
  let s = '';
  for (let i = 0; i < n; i++) s += ALPHANUM[Math.floor(rand(o) * ALPHANUM.length)];
  return s;
});
hb.registerHelper('now', () => Date.now());
hb.registerHelper('isoDate', () => new Date().toISOString());
hb.registerHelper('base64', (v: unknown) => Buffer.from(String(v ?? '')).toString('base64'));
hb.registerHelper('json', (v: unknown) => JSON.stringify(v ?? null));

/** Compiles request text; static text returns itself. */
export function compileText(t: TemplateText): (ctx: TemplateContext) => string {
  if (!t.dynamic) {
    const raw = t.raw;
    return () => raw;
  }
  const fn = hb.compile(t.raw, { noEscape: true, strict: false, knownHelpersOnly: false });
  return (ctx) => fn(ctx);
}
