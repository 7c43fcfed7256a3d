/**
 * Issue 12: examples/kubernetes parses, and what it runs is what the CLI accepts: each
 * container's `args` list parses with the flags of its command (strict, no positionals),
 * its values pass the same checks the commands make, the token comes from the Secret
 * through the variable the CLI reads, and the agents' controller URL names the
 * controller's Service and port.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { parseCommandArgs } from '../../src/cli/args.js';
import { parseListen } from '../../src/cli/commands/coordinator.js';
import { SERVE_FLAGS } from '../../src/cli/commands/serve.js';
import { AGENT_FLAGS } from '../../src/cli/commands/agent.js';
import { controllerRef } from '../../src/service/client.js';
import { ROOT } from '../helpers.js';

const DIR = join(ROOT, 'examples/kubernetes');
type Doc = { kind: string; metadata: { name: string }; spec: any; stringData?: Record<string, string> };
const docs: Doc[] = readdirSync(DIR)
  .filter((f) => f.endsWith('.yaml'))
  .flatMap((f) =>
    parseAllDocuments(readFileSync(join(DIR, f), 'utf8')).map((d) => {
      assert.equal(d.errors.length, 0, `${f}: ${d.errors.map((e) => e.message).join('; ')}`);
      return d.toJS() as Doc;
    }),
  );
const deployment = (name: string) => docs.find((d) => d.kind === 'Deployment' && d.metadata.name === name)!;
const container = (name: string) => deployment(name).spec.template.spec.containers[0];

test('the manifests parse: controller and agent Deployments, the controller Service, its PersistentVolumeClaim and the token Secret', () => {
  for (const [kind, name] of [['Deployment', 'loadtest-controller'], ['Deployment', 'loadtest-agent'], ['Service', 'loadtest-controller'], ['PersistentVolumeClaim', 'loadtest-controller-db'], ['Secret', 'loadtest-token']]) {
    assert.ok(docs.some((d) => d.kind === kind && d.metadata.name === name), `${kind} ${name}`);
  }
  assert.equal(deployment('loadtest-controller').spec.replicas, 1, 'one controller: SQLite has one writer');
  assert.ok(Number.isInteger(deployment('loadtest-agent').spec.replicas) && deployment('loadtest-agent').spec.replicas > 0, 'replicas is the fleet size');
});

test("each container's args parse with its command's flags and pass the command's checks", () => {
  const serve = container('loadtest-controller').args as string[];
  assert.equal(serve[0], 'serve');
  const s = parseCommandArgs('serve', serve.slice(1), SERVE_FLAGS);
  assert.deepEqual(s.positionals, []);
  const listen = parseListen(s.values.listen as string);
  assert.equal(s.values.token, undefined, 'the token is not in args (it would show in the pod spec)');
  assert.match(s.values.db as string, /^\/data\//, 'the database is on the mounted volume');
  assert.ok(container('loadtest-controller').volumeMounts.some((m: { mountPath: string }) => m.mountPath === '/data'));

  const agent = container('loadtest-agent').args as string[];
  assert.equal(agent[0], 'agent');
  const a = parseCommandArgs('agent', agent.slice(1), AGENT_FLAGS);
  assert.deepEqual(a.positionals, []);
  const maxVus = Number(a.values['max-vus']);
  assert.ok(Number.isInteger(maxVus) && maxVus > 0);
  // The token from the environment the manifests set, as the agent reads it.
  const env = Object.fromEntries(container('loadtest-agent').env.map((e: { name: string }) => [e.name, 'from-the-secret']));
  const ref = controllerRef(a.values, env, 'agent');
  const url = new URL(ref.url);
  const service = docs.find((d) => d.kind === 'Service' && d.metadata.name === 'loadtest-controller')!;
  assert.equal(url.hostname, service.metadata.name, 'agents reach the controller through its Service');
  assert.equal(Number(url.port), listen.port);
  assert.ok(service.spec.ports.some((p: { port: number }) => p.port === listen.port));
  assert.equal(service.spec.clusterIP, 'None', 'headless: agents also reach the per-run relay ports of the controller pod');
});

test('both read LOADTEST_TOKEN from the Secret the example creates', () => {
  const secret = docs.find((d) => d.kind === 'Secret')!;
  for (const name of ['loadtest-controller', 'loadtest-agent']) {
    const token = container(name).env.find((e: { name: string }) => e.name === 'LOADTEST_TOKEN');
    assert.ok(token, `${name} sets LOADTEST_TOKEN`);
    assert.equal(token.valueFrom.secretKeyRef.name, secret.metadata.name);
    assert.ok(token.valueFrom.secretKeyRef.key in secret.stringData!);
  }
});
