/**
 * Issue 13, `--log-format json`: standard error as one JSON object per line (the seed's
 * slog shape: time, level, msg, component, fields) for the CLI's own errors and for the
 * coordinator's and workers' log lines; standard output (progress, final table) unchanged.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { fieldsOf, JsonLogStream, levelOf, takeLogFormat } from '../../src/cli/log-format.js';
import { countingTarget, planFile, runCli } from '../helpers.js';

/** Every non-empty line of `text` parsed as JSON (a line that is not JSON fails the test with it). */
function records(text: string): Record<string, unknown>[] {
  return text
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => {
      try {
        return JSON.parse(l) as Record<string, unknown>;
      } catch {
        throw new assert.AssertionError({ message: `not a JSON log line: ${JSON.stringify(l)}` });
      }
    });
}

test('takeLogFormat: the flag anywhere before --, the env var as fallback, anything else a usage error naming it', () => {
  assert.deepEqual(takeLogFormat(['run', 'p.yaml', '--log-format', 'json', '--quiet'], {}), { format: 'json', argv: ['run', 'p.yaml', '--quiet'] });
  assert.deepEqual(takeLogFormat(['--log-format=text', 'validate', 'p.yaml'], { LOADTEST_LOG_FORMAT: 'json' }), { format: 'text', argv: ['validate', 'p.yaml'] });
  assert.deepEqual(takeLogFormat(['run', 'p.yaml'], { LOADTEST_LOG_FORMAT: 'json' }).format, 'json');
  assert.deepEqual(takeLogFormat(['run', '--', '--log-format', 'json'], {}), { format: 'text', argv: ['run', '--', '--log-format', 'json'] });
  assert.throws(() => takeLogFormat(['run', '--log-format', 'yaml'], {}), /--log-format must be text or json \(got 'yaml'\)/);
  assert.throws(() => takeLogFormat(['run', '--log-format'], {}), /--log-format needs a value/);
  assert.throws(() => takeLogFormat(['run'], { LOADTEST_LOG_FORMAT: 'xml' }), /LOADTEST_LOG_FORMAT must be text or json \(got 'xml'\)/);
});

test('JsonLogStream: one record per line, partial lines held to their newline, \\r redraws reduced to their last text, levels and subjects read from the line', async () => {
  const out = new PassThrough();
  let text = '';
  out.on('data', (d) => (text += d));
  const s = new JsonLogStream(out, 'coordinator', () => new Date('2026-12-07T10:00:00.000Z'));
  s.write('coordinator: worker w-1 registered');
  assert.equal(text, '', 'nothing before the newline');
  s.write(' (2 cores)\n\nprogress 1\rprogress 2\nrelay: internal error on POST /x: boom\n');
  s.end('WARNING: the load generator was saturated');
  await new Promise((r) => s.on('finish', r));
  assert.deepEqual(records(text), [
    { source: 'coordinator', time: '2026-12-07T10:00:00.000Z', level: 'INFO', msg: 'coordinator: worker w-1 registered (2 cores)', component: 'coordinator' },
    { time: '2026-12-07T10:00:00.000Z', level: 'INFO', msg: 'progress 2', component: 'coordinator' },
    { source: 'relay', time: '2026-12-07T10:00:00.000Z', level: 'ERROR', msg: 'relay: internal error on POST /x: boom', component: 'coordinator' },
    { time: '2026-12-07T10:00:00.000Z', level: 'WARN', msg: 'WARNING: the load generator was saturated', component: 'coordinator' },
  ]);
  assert.deepEqual(fieldsOf('[w2] worker w2: registered; clock offset 0.1 ms'), { source: 'worker', worker_id: 'w2' });
  assert.deepEqual(fieldsOf("agent a-1: joining run r1 at http://127.0.0.1:1"), { source: 'agent', agent_id: 'a-1' });
  assert.equal(levelOf('loadtest run: internal error: x'), 'ERROR');
});

test('loadtest --log-format json: a plan error is one ERROR record with its code, exit code and located message; exit 2', async () => {
  const plan = planFile('name: x\ntarget: http://127.0.0.1:9\nscenarios:\n  s:\n    duration: 1s\n    profile: { type: constant, vus: -1 }\n    steps: [{ method: GET, url: / }]\n');
  const r = await runCli(['--log-format', 'json', 'validate', plan]);
  assert.equal(r.code, 2, r.stderr);
  const [rec, ...more] = records(r.stderr);
  assert.equal(more.length, 0, r.stderr);
  assert.equal(rec.level, 'ERROR');
  assert.equal(rec.code, 'LT_ERR_PLAN_INVALID');
  assert.equal(rec.exit_code, 2);
  assert.equal(rec.component, 'validate');
  assert.match(String(rec.msg), /plan\.yaml:6:\d+: .*vus/);
  assert.ok(!Number.isNaN(Date.parse(String(rec.time))));
});

test('an unknown --log-format is a usage error naming the value, exit 2', async () => {
  const r = await runCli(['run', 'x.yaml', '--log-format', 'yaml']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--log-format must be text or json \(got 'yaml'\)/);
});

test('LOADTEST_LOG_FORMAT=json with --workers 2: every line on standard error is a JSON record, the workers\' lines carry their ids; standard output keeps the table', async () => {
  const target = await countingTarget();
  try {
    const plan = planFile(`name: logs\ntarget: ${target.url}\nscenarios:\n  s:\n    duration: 1s\n    profile: { type: constant, vus: 2 }\n    think_time: 50ms\n    steps: [{ name: root, method: GET, url: / }]\n`);
    const r = await runCli(['run', plan, '--workers', '2', '--quiet'], { env: { LOADTEST_LOG_FORMAT: 'json' } });
    assert.equal(r.code, 0, r.stderr + r.stdout);
    assert.ok(target.served() > 0);
    const recs = records(r.stderr);
    assert.ok(recs.length >= 2, r.stderr);
    for (const rec of recs) {
      assert.equal(rec.component, 'run');
      assert.ok(['INFO', 'WARN', 'ERROR', 'DEBUG'].includes(String(rec.level)), JSON.stringify(rec));
    }
    const workerIds = new Set(recs.filter((x) => x.source === 'worker').map((x) => x.worker_id));
    assert.ok(workerIds.size >= 2, `records from both workers with their ids: ${r.stderr}`);
    assert.match(r.stdout, /requests/i, 'the final table is still text on standard output');
  } finally {
    target.close();
  }
});
