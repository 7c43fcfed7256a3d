/** parseFlagsOnly: the one check of the commands that take flags only (agent, serve, worker, demo, demo-target, agents, runs). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseFlagsOnly } from '../../src/cli/args.js';

test('parseFlagsOnly: flags parse; positional arguments are a usage error naming them, with the hint', () => {
  assert.deepEqual({ ...parseFlagsOnly('serve', ['--db', 'x.db'], { db: { type: 'string' } }) }, { db: 'x.db' });
  assert.throws(
    () => parseFlagsOnly('worker', ['plan.yaml', 'more'], { relay: { type: 'string' } }, '; the plan comes from the coordinator'),
    (e: Error & { code?: string }) => e.code === 'LT_ERR_USAGE' && e.message === "worker takes no positional arguments (got 'plan.yaml' 'more'); the plan comes from the coordinator",
  );
  assert.throws(() => parseFlagsOnly('runs', ['--bogus'], {}), /Unknown option '--bogus' \(see 'loadtest runs --help'\)/);
});
