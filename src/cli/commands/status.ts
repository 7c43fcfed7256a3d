/** `loadtest status RUN_ID`, `loadtest agents`, `loadtest runs` — read a controller's state. */
import type { Command } from '../command.js';
import { parseCommandArgs, parseFlagsOnly } from '../args.js';
import { UsageError } from '../../errors.js';
import { callJson, controllerRef } from '../../service/client.js';

const common = `  --controller <url>  The controller (or env LOADTEST_CONTROLLER)
  --token <token>     Its token (or env LOADTEST_TOKEN)
  --json              Print the API's JSON as is
`;
const flags = { controller: { type: 'string' }, token: { type: 'string' }, json: { type: 'boolean' } } as const;

interface RunView {
  id: string;
  status: string;
  reason: string | null;
  plan: { file: string };
  workers: number;
  agents: string[];
  created_at: string;
  started_at: string | null;
  ended_at: string | null;
  exit_code: number | null;
  verdict: string | null;
  thresholds: { expression: string; passed: boolean; actual?: unknown }[];
  summary: { requests: number; errors: number; rps: number; latency_ms: { p50: number; p95: number; p99: number } } | null;
}

/** Lines of `loadtest status`. */
export function statusText(r: RunView): string {
  const lines = [
    `run ${r.id}: ${r.status}${r.reason ? ` (${r.reason})` : ''}`,
    `plan ${r.plan.file}; ${r.workers} worker(s)${r.agents.length ? `: ${r.agents.join(', ')}` : ''}`,
    `created ${r.created_at}; started ${r.started_at ?? '-'}; ended ${r.ended_at ?? '-'}`,
  ];
  if (r.summary) {
    const s = r.summary;
    lines.push(`requests ${s.requests}, errors ${s.errors}, rps ${s.rps.toFixed(1)}, p50 ${s.latency_ms.p50.toFixed(1)} ms, p95 ${s.latency_ms.p95.toFixed(1)} ms, p99 ${s.latency_ms.p99.toFixed(1)} ms`);
  }
  for (const t of r.thresholds) lines.push(`threshold ${t.passed ? 'pass' : 'FAIL'}: ${t.expression}${t.actual !== undefined ? ` (actual ${String(t.actual)})` : ''}`);
  if (r.verdict) lines.push(`verdict ${r.verdict}, exit code ${r.exit_code}`);
  return lines.join('\n') + '\n';
}

export const command: Command = {
  name: 'status',
  summary: 'Show a run of a controller',
  usage: `Usage: loadtest status RUN_ID [--controller URL] [--token T] [--json]\n\nOptions:\n${common}`,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs('status', argv, flags);
    if (positionals.length !== 1) throw new UsageError(`status takes exactly one run id (got ${positionals.length})`);
    const ref = controllerRef(values, io.env, 'status');
    const r = await callJson<RunView>(ref, 'GET', `/runs/${encodeURIComponent(positionals[0])}`);
    io.stdout.write(values.json ? JSON.stringify(r, null, 2) + '\n' : statusText(r));
    return 0;
  },
};

export const agentsCommand: Command = {
  name: 'agents',
  summary: 'List the agents connected to a controller',
  usage: `Usage: loadtest agents [--controller URL] [--token T] [--json]\n\nOptions:\n${common}`,
  async run(argv, io) {
    const values = parseFlagsOnly('agents', argv, flags);
    const ref = controllerRef(values, io.env, 'agents');
    const body = await callJson<{ agents: { id: string; capacity: { cores: number; maxVus: number }; state: string; last_heartbeat: string; clock_offset_ms: number | null }[] }>(ref, 'GET', '/agents');
    if (values.json) io.stdout.write(JSON.stringify(body, null, 2) + '\n');
    else {
      io.stdout.write(`${body.agents.length} agent(s)\n`);
      for (const a of body.agents) io.stdout.write(`${a.id}  ${a.state}  ${a.capacity.cores} cores, max ${a.capacity.maxVus} VUs  last heartbeat ${a.last_heartbeat}\n`);
    }
    return 0;
  },
};

export const runsCommand: Command = {
  name: 'runs',
  summary: 'List the runs of a controller',
  usage: `Usage: loadtest runs [--scenario ID] [--controller URL] [--token T] [--json]\n\nOptions:\n  --scenario <id>     Only the runs of this scenario\n${common}`,
  async run(argv, io) {
    const values = parseFlagsOnly('runs', argv, { ...flags, scenario: { type: 'string' } });
    const ref = controllerRef(values, io.env, 'runs');
    const q = values.scenario ? `?scenario=${encodeURIComponent(values.scenario as string)}` : '';
    const body = await callJson<{ runs: RunView[] }>(ref, 'GET', `/runs${q}`);
    if (values.json) io.stdout.write(JSON.stringify(body, null, 2) + '\n');
    else for (const r of body.runs) io.stdout.write(`${r.id}  ${r.status}  ${r.plan.file}  ${r.created_at}${r.verdict ? `  ${r.verdict}` : ''}\n`);
    return 0;
  },
};
