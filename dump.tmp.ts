import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadPlan } from './src/plan/load.ts';
const dir = '/work/main/test/fixtures/plans/invalid';
for (const f of readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort()) {
  try { loadPlan(readFileSync(join(dir, f), 'utf8'), f, { baseDir: dir, env: {} }); console.log(`${f}\tNO ERROR`); }
  catch (e: any) { console.log(`${e.name === 'PlanError' ? '' : 'NOT PLANERROR '}${e.message}`); }
}
