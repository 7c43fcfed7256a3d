/**
 * In-process transport: a coordinator and workers in one process (tests, and any
 * embedding that wants the cluster logic without sockets). Messages go through a
 * JSON round trip and the protocol's validation, as they would on the wire, and are
 * delivered asynchronously so no caller relies on re-entrancy the network lacks.
 * `setReachable(id, false)` simulates a worker cut off from the relay.
 */
import { parseCommand, parseWorkerMessage, type Command, type WorkerMessage } from './protocol.js';
import {
  CommandQueues,
  LIVE_CAPS,
  RelayRefusedError,
  RelayUnavailableError,
  type CoordinatorTransport,
  type MessageHandler,
  type TransportCaps,
  type WorkerTransport,
} from './transport.js';

/** A coordinator end plus a factory of worker ends, all in this process. */
export interface LocalTransport {
  coordinator: CoordinatorTransport;
  /** A new worker end. */
  worker(): WorkerTransport;
  /** Cuts (false) or restores (true) one worker's link, both directions. */
  setReachable(workerId: string, reachable: boolean): void;
}

const wire = <T>(x: T): unknown => JSON.parse(JSON.stringify(x));

/** Creates an in-process transport. */
export function createLocalTransport(caps: TransportCaps = LIVE_CAPS): LocalTransport {
  const queues = new CommandQueues();
  const registered = new Set<string>();
  const unreachable = new Set<string>();
  let handler: MessageHandler | undefined;
  let closed = false;
  const wakers = new Map<string, () => void>();

  const coordinator: CoordinatorTransport = {
    caps,
    async start(h) {
      handler = h;
    },
    send(workerId, cmd) {
      if (!closed) queues.push(workerId, parseCommand(wire(cmd)));
    },
    broadcast(cmd) {
      for (const id of registered) coordinator.send(id, cmd);
    },
    async close() {
      closed = true;
      queues.clear();
      for (const w of wakers.values()) w();
    },
  };

  function worker(): WorkerTransport {
    let id: string | undefined;
    let delivered = 0;
    let stopped = false;
    let onCommand: ((cmd: Command) => void) | undefined;
    const pump = () => {
      if (stopped || !id || !onCommand || unreachable.has(id)) return;
      for (const { seq, cmd } of queues.since(id, delivered)) {
        delivered = seq;
        onCommand(cmd);
      }
    };
    return {
      caps,
      connect(workerId, fn) {
        id = workerId;
        onCommand = fn;
        const wake = () => setImmediate(pump);
        wakers.set(workerId, wake);
        queues.listen(workerId, wake);
        wake();
      },
      async send(msgs: WorkerMessage[]) {
        await new Promise((r) => setImmediate(r));
        if (closed || !handler) throw new RelayUnavailableError('coordinator is not listening');
        for (const m of msgs) {
          if (unreachable.has(m.workerId)) throw new RelayUnavailableError('link cut (local transport)');
          const msg = parseWorkerMessage(wire(m));
          const verdict = handler(msg);
          if (verdict && 'refuse' in verdict) throw new RelayRefusedError(verdict.refuse);
          if (msg.type === 'register') registered.add(msg.workerId);
        }
      },
      async close() {
        stopped = true;
        if (id) queues.listen(id, undefined);
      },
    };
  }

  return {
    coordinator,
    worker,
    setReachable(workerId, reachable) {
      if (reachable) {
        unreachable.delete(workerId);
        wakers.get(workerId)?.();
      } else unreachable.add(workerId);
    },
  };
}
