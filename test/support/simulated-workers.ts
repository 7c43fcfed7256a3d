/**
 * Workers simulated over a WorkerTransport, for tests and bench/coordinator.ts, which
 * then feed the coordinator snapshots and results of their own making: each registers
 * with `capacity`, answers the coordinator's first clock probe with a zero offset, and
 * waits for its assignment.
 */
import type { Capacity, WorkerMessage } from '../../src/cluster/protocol.js';
import type { WorkerTransport } from '../../src/cluster/transport.js';

export interface SimulatedWorker {
  id: string;
  t: WorkerTransport;
}

/** Sends one message (the bench retries while a busy relay times out). */
export type Send = (t: WorkerTransport, m: WorkerMessage) => Promise<void>;

/** Registers every simulated worker and resolves with the run's start instant once all are assigned. */
export function joinSimulated(sims: SimulatedWorker[], capacity: Capacity, send: Send = (t, m) => t.send([m])): Promise<number> {
  return new Promise<number>((assignedAll) => {
    let assigned = 0;
    for (const s of sims) {
      let ready = false;
      s.t.connect(s.id, (cmd) => {
        if (cmd.type === 'clock' && !ready) {
          ready = true;
          void send(s.t, { v: 1, type: 'ready', workerId: s.id, clockOffsetMs: 0, rttMs: 0 });
        }
        if (cmd.type === 'assign' && ++assigned === sims.length) assignedAll(cmd.startAtMs);
      });
      void send(s.t, { v: 1, type: 'register', workerId: s.id, capacity, clockProbe: { t0: Date.now() }, instance: s.id });
    }
  });
}
