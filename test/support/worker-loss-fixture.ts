/**
 * What the worker-loss Action tests share: a target on 127.0.0.1 that counts what it
 * served, the fake results (artifact) service, a workspace, the open-model plan they
 * run and the result read back from the coordinator's report artifact.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { Result } from '../../src/report/result-schema.js';
import { startFakeResultsService, type FakeResults } from './fake-results-service.js';
import { readZip } from './zip.js';

export interface LossFixture {
  url: string;
  /** Requests the target has served since the last reset. */
  served(): number;
  resetServed(): void;
  results: FakeResults;
  workspace: string;
  close(): Promise<void>;
}

/** Starts the counting target and the fake results service; `prefix` names the workspace. */
export async function startLossFixture(prefix: string): Promise<LossFixture> {
  let served = 0;
  const target = createServer((_req, res) => {
    served++;
    res.end('ok');
  });
  await new Promise<void>((r) => target.listen(0, '127.0.0.1', r));
  const results = await startFakeResultsService();
  return {
    url: `http://127.0.0.1:${(target.address() as AddressInfo).port}`,
    served: () => served,
    resetServed: () => (served = 0),
    results,
    workspace: mkdtempSync(join(tmpdir(), prefix)),
    close: async () => {
      await results.close();
      await new Promise((r) => target.close(r));
    },
  };
}

/** The open-model plan of these tests: `rate`/s for `durationS`, warm-up off (the target's count is compared). */
export const lossPlan = (o: { name: string; url: string; rate: number; durationS: number; extra?: string }) => `name: ${o.name}
target: ${o.url}
warmup: false
${o.extra ?? ''}
scenarios:
  api:
    duration: ${o.durationS}s
    profile: { type: constant_rate, rate: ${o.rate}, pre_allocated_vus: 6, max_vus: 30 }
    steps:
      - { name: hit, method: GET, url: /hit }
thresholds:
  - "error_rate < 0.01"
`;

/** The Result inside the coordinator's `loadtest-report` artifact of run `runId`. */
export async function reportResult(results: FakeResults, runId: number): Promise<Result> {
  const art = results.artifacts({ runId: String(runId) }).find((a) => a.name === 'loadtest-report' && a.status === 'finalized');
  assert.ok(art, 'report artifact uploaded');
  const zip = Buffer.from(await (await fetch(results.downloadUrl(art.id))).arrayBuffer());
  return Result.parse(JSON.parse(readZip(zip).get('result.json')!.toString('utf8')));
}
