/**
 * The agents the controller knows: long-lived `loadtest agent` processes that
 * heartbeat to the controller's API every 500 ms. A heartbeat says what the agent is
 * doing (idle, or running run X); the answer hands it an assignment (a run's relay to
 * join as a worker) or tells it to abandon a run this controller no longer runs (the
 * controller restarted under it). The run itself speaks the existing relay protocol.
 */
import type { Capacity } from '../cluster/protocol.js';

/** An agent is disconnected after this much silence (3 of its relay heartbeats). */
export const AGENT_LOST_AFTER_MS = 3000;

/** What the controller tells an agent to join. */
export interface Assignment {
  runId: string;
  /** Port of the run's relay; the URL is built with the host the agent reached us by. */
  relayPort: number;
  token: string;
}

/** One agent as the registry sees it. */
export interface AgentInfo {
  id: string;
  capacity: Capacity;
  connectedAt: number;
  lastHeartbeatMs: number;
  /** The run it says it runs (from its heartbeat), or the one just assigned. */
  runId?: string;
  pending?: Assignment;
  clockOffsetMs?: number;
}

/** What an agent's heartbeat carries. */
export interface Heartbeat {
  id: string;
  capacity: Capacity;
  runId?: string;
  clockOffsetMs?: number;
}

/** The registry. */
export class Agents {
  private readonly agents = new Map<string, AgentInfo>();

  constructor(private readonly now: () => number = Date.now) {}

  /**
   * Records a heartbeat. `isActive(runId)` says whether this controller runs that run;
   * an agent busy with another one is told to abandon it.
   */
  heartbeat(hb: Heartbeat, isActive: (runId: string) => boolean): { assignment?: Assignment; abandon?: string } {
    const t = this.now();
    let a = this.agents.get(hb.id);
    if (!a || t - a.lastHeartbeatMs > AGENT_LOST_AFTER_MS) {
      a = { id: hb.id, capacity: hb.capacity, connectedAt: t, lastHeartbeatMs: t, ...(a?.pending ? { pending: a.pending, runId: a.runId } : {}) };
      this.agents.set(hb.id, a);
    }
    a.lastHeartbeatMs = t;
    a.capacity = hb.capacity;
    if (hb.clockOffsetMs !== undefined) a.clockOffsetMs = hb.clockOffsetMs;
    if (hb.runId && !isActive(hb.runId)) return { abandon: hb.runId };
    if (hb.runId) {
      a.runId = hb.runId;
      if (a.pending?.runId === hb.runId) delete a.pending;
      return {};
    }
    if (a.pending && isActive(a.pending.runId)) return { assignment: a.pending };
    delete a.pending;
    // An idle agent whose run is still active has left it (its worker ended): free.
    if (a.runId) delete a.runId;
    return {};
  }

  /** Connected agents (heard from within AGENT_LOST_AFTER_MS). */
  connected(): AgentInfo[] {
    const t = this.now();
    return [...this.agents.values()].filter((a) => t - a.lastHeartbeatMs <= AGENT_LOST_AFTER_MS);
  }

  /** Connected agents with nothing to do, oldest first. */
  free(): AgentInfo[] {
    return this.connected()
      .filter((a) => !a.runId && !a.pending)
      .sort((x, y) => x.connectedAt - y.connectedAt || x.id.localeCompare(y.id));
  }

  /** Hands `assignment` to the agents `ids` (they pick it up with their next heartbeat). */
  assign(ids: string[], assignment: Assignment): void {
    for (const id of ids) {
      const a = this.agents.get(id);
      if (a) {
        a.pending = assignment;
        a.runId = assignment.runId;
      }
    }
  }

  /** Forgets assignments of a run that ended (agents that never picked it up are free again). */
  release(runId: string): void {
    for (const a of this.agents.values()) {
      if (a.pending?.runId === runId) delete a.pending;
      if (a.runId === runId) delete a.runId;
    }
  }

  /** The view `GET /agents` returns. */
  view(): { id: string; capacity: Capacity; state: string; run_id: string | null; last_heartbeat: string; clock_offset_ms: number | null }[] {
    return this.connected()
      .sort((x, y) => x.id.localeCompare(y.id))
      .map((a) => ({
        id: a.id,
        capacity: a.capacity,
        state: a.runId ? `running ${a.runId}` : 'idle',
        run_id: a.runId ?? null,
        last_heartbeat: new Date(a.lastHeartbeatMs).toISOString(),
        clock_offset_ms: a.clockOffsetMs ?? null,
      }));
  }
}
