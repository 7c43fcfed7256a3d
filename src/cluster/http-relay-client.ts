/**
 * The worker side of the `http` transport (see http-relay-server.ts for the routes).
 * Uses undici with its own Agent so `close()` really releases every socket.
 *
 * Every attempt is bounded in time: a relay that stops answering (a partition, a
 * stalled proxy) turns into RelayUnavailableError after `sendTimeoutMs`, and a
 * command stream that stays silent for `streamIdleMs` (default 5 s; the server sends a
 * keep-alive line every 2 s) is dropped and reopened from the last seq received.
 */
import { Agent, request } from 'undici';
import { parseCommand, type Command, type WorkerMessage } from './protocol.js';
import { LIVE_CAPS, RelayAuthError, RelayRefusedError, RelayUnavailableError, type WorkerTransport } from './transport.js';

/** Options of the relay client. */
export interface HttpRelayClientOptions {
  /** `http://host:port` as the coordinator printed it. */
  url: string;
  token: string;
  /** Bound on one POST, ms (default 3000). */
  sendTimeoutMs?: number;
  /** Reconnect the command stream after this much silence, ms (default 5000). */
  streamIdleMs?: number;
  /** Lines about reconnects (default: none). */
  log?: (line: string) => void;
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (signal.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });

/** Creates the worker side of the HTTP relay. */
export function createHttpRelayClient(opts: HttpRelayClientOptions): WorkerTransport {
  const base = opts.url.replace(/\/+$/, '');
  const auth = `Bearer ${opts.token}`;
  const sendTimeoutMs = opts.sendTimeoutMs ?? 3000;
  const streamIdleMs = opts.streamIdleMs ?? 5000;
  const log = opts.log ?? (() => undefined);
  const agent = new Agent({ keepAliveTimeout: 4000, connectTimeout: sendTimeoutMs });
  const life = new AbortController();
  let streamLoop: Promise<void> | undefined;

  async function send(msgs: WorkerMessage[]): Promise<void> {
    if (life.signal.aborted) throw new RelayUnavailableError('client closed');
    let res;
    try {
      res = await request(`${base}/v1/messages`, {
        method: 'POST',
        dispatcher: agent,
        headers: { authorization: auth, 'content-type': 'application/json' },
        body: JSON.stringify(msgs),
        signal: AbortSignal.any([life.signal, AbortSignal.timeout(sendTimeoutMs)]),
        headersTimeout: sendTimeoutMs,
        bodyTimeout: sendTimeoutMs,
      });
    } catch (err) {
      throw new RelayUnavailableError(`${base}: ${(err as Error).message}`, err);
    }
    let text = '';
    try {
      text = await res.body.text();
    } catch (err) {
      throw new RelayUnavailableError(`${base}: reading the answer: ${(err as Error).message}`, err);
    }
    if (res.statusCode === 200) return;
    if (res.statusCode === 401) throw new RelayAuthError(`HTTP 401 from ${base}`);
    if (res.statusCode === 409) {
      let reason = text;
      try {
        reason = (JSON.parse(text) as { refused?: string }).refused ?? text;
      } catch {
        /* keep the raw text */
      }
      throw new RelayRefusedError(reason);
    }
    if (res.statusCode === 400) throw new RelayRefusedError(`the relay rejected a message as invalid: ${text}`);
    throw new RelayUnavailableError(`HTTP ${res.statusCode} from ${base}: ${text.slice(0, 200)}`);
  }

  async function streamCommands(workerId: string, onCommand: (cmd: Command) => void): Promise<void> {
    let lastSeq = 0;
    let backoffMs = 100;
    while (!life.signal.aborted) {
      const attempt = new AbortController();
      const stopAttempt = () => attempt.abort();
      life.signal.addEventListener('abort', stopAttempt, { once: true });
      let idle: NodeJS.Timeout | undefined;
      const arm = () => {
        clearTimeout(idle);
        idle = setTimeout(() => attempt.abort(new Error(`no data for ${streamIdleMs} ms`)), streamIdleMs);
      };
      try {
        arm();
        const res = await request(`${base}/v1/commands?worker=${encodeURIComponent(workerId)}&after=${lastSeq}`, {
          method: 'GET',
          dispatcher: agent,
          headers: { authorization: auth },
          signal: attempt.signal,
          headersTimeout: streamIdleMs,
          bodyTimeout: 0,
        });
        if (res.statusCode !== 200) {
          await res.body.text().catch(() => '');
          throw new Error(`HTTP ${res.statusCode}`);
        }
        backoffMs = 100;
        let buf = '';
        for await (const chunk of res.body) {
          arm();
          buf += chunk.toString();
          let nl: number;
          while ((nl = buf.indexOf('\n')) >= 0) {
            const line = buf.slice(0, nl).trim();
            buf = buf.slice(nl + 1);
            if (!line) continue;
            const { seq, cmd } = JSON.parse(line) as { seq: number; cmd: unknown };
            if (seq <= lastSeq) continue;
            lastSeq = seq;
            onCommand(parseCommand(cmd));
          }
        }
      } catch (err) {
        if (!life.signal.aborted) log(`relay: command stream interrupted (${(err as Error).message}); reconnecting`);
      } finally {
        clearTimeout(idle);
        life.signal.removeEventListener('abort', stopAttempt);
        attempt.abort();
      }
      await sleep(backoffMs, life.signal);
      backoffMs = Math.min(backoffMs * 2, 2000);
    }
  }

  return {
    caps: LIVE_CAPS,
    connect(workerId, onCommand) {
      streamLoop ??= streamCommands(workerId, onCommand);
    },
    send,
    async close() {
      if (life.signal.aborted) return;
      life.abort();
      await streamLoop;
      await agent.destroy();
    },
  };
}
