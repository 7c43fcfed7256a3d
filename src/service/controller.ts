/**
 * `loadtest serve`'s library side: opens the store (recovering runs a dead controller
 * left `running`), serves the API, pumps the queue as agents come and go.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { LtError } from '../errors.js';
import { newToken } from '../cluster/token.js';
import { Agents } from './agents.js';
import { apiHandler } from './api.js';
import { RunQueue } from './queue.js';
import { SqliteFile } from './sqlite.js';
import { Store } from './store.js';

/** Options of a controller. */
export interface ControllerOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 8700; 0 = any free port. */
  port?: number;
  /** Database file (`:memory:` keeps nothing). */
  dbPath: string;
  /** Default: a random one. */
  token?: string;
  /** Largest request body (default 1 MiB). */
  maxBodyBytes?: number;
  log?: (line: string) => void;
}

/** A running controller. */
export interface Controller {
  url: string;
  token: string;
  store: Store;
  /** Runs marked failed at start-up (the previous controller died under them). */
  recovered: string[];
  close(): Promise<void>;
}

/** Starts a controller. */
export async function startController(opts: ControllerOptions): Promise<Controller> {
  const log = opts.log ?? (() => undefined);
  const db = await SqliteFile.open(opts.dbPath);
  const store = new Store(db);
  const recovered = store.recover();
  for (const id of recovered) log(`controller: run ${id} was running when the controller stopped: marked failed`);
  const host = opts.host ?? '127.0.0.1';
  const agents = new Agents();
  const queue = new RunQueue({ store, agents, host, log });
  const token = opts.token ?? newToken();
  const server: Server = createServer(apiHandler({ store, agents, queue, token, maxBodyBytes: opts.maxBodyBytes ?? 1024 * 1024 }, log));
  const sockets = new Set<Socket>();
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => reject(new LtError('LT_ERR_IO', `cannot listen on ${host}:${opts.port ?? 8700}: ${err.code ?? err.message}`, { cause: err })));
    server.listen(opts.port ?? 8700, host, () => resolve());
  });
  // Agents drop out of the free pool by silence; a queued run may wait on that.
  const pumpTimer = setInterval(() => queue.pump(), 500);
  const addr = server.address() as AddressInfo;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${addr.family === 'IPv6' ? `[${addr.address}]` : addr.address}:${addr.port}`,
    token,
    store,
    recovered,
    close() {
      return (closing ??= (async () => {
        clearInterval(pumpTimer);
        await queue.close();
        const done = new Promise<void>((resolve) => server.close(() => resolve()));
        for (const s of sockets) s.destroy();
        await done;
        db.close();
      })());
    },
  };
}
