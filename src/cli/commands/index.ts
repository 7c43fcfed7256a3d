/**
 * The command registry. Commands load lazily so `loadtest run` pays only for what
 * it uses at startup (time to first request is a benchmark target).
 */
import type { Command } from '../command.js';

export const commands: Record<string, () => Promise<Command>> = {
  run: async () => (await import('./run.js')).command,
  validate: async () => (await import('./validate.js')).command,
  demo: async () => (await import('./demo.js')).command,
  report: async () => (await import('./report.js')).command,
  compare: async () => (await import('./compare.js')).command,
  trend: async () => (await import('./trend.js')).command,
  'demo-target': async () => (await import('./demo-target.js')).command,
  coordinator: async () => (await import('./coordinator.js')).command,
  worker: async () => (await import('./worker.js')).command,
  serve: async () => (await import('./serve.js')).command,
  agent: async () => (await import('./agent.js')).command,
  status: async () => (await import('./status.js')).command,
  agents: async () => (await import('./status.js')).agentsCommand,
  runs: async () => (await import('./status.js')).runsCommand,
};
