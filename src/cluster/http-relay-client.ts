/**
 * The worker side of the `http` transport (see http-relay-server.ts for the routes).
 * Uses undici with its own Agent so `close()` really releases every socket.
 *
 * The token never leaves this process: requests are signed with it and every answer
 * acted on must be signed back (relay-auth.ts); an unsigned or wrongly signed answer
 * is RelayUntrustedError, fatal, reported once through `connect`'s `onError` for the
 * command stream. `https://` relays use the system CAs plus NODE_EXTRA_CA_CERTS, or `ca`.
 *
 * Every attempt is bounded in time: a relay that stops answering (a partition, a
 * stalled proxy) turns into RelayUnavailableError after `sendTimeoutMs`, and a
 * command stream that stays silent for `streamIdleMs` (default 5 s; the server sends a
 * keep-alive line every 2 s) is dropped and reopened from the last seq received.
 */
import { Agent, request } from 'undici';
import { parseCommand, type Command, type WorkerMessage } from './protocol.js';
import { ANSWER_MAC_HEADER, answerMac, commandMac, macMatches, signRequest } from './relay-auth.js';
import { LIVE_CAPS, RelayAuthError, RelayRefusedError, RelayUnavailableError, RelayUntrustedError, type WorkerTransport } from './transport.js';

/** Options of the relay client. */
export interface HttpRelayClientOptions {
  /** `http(s)://host:port` as the coordinator printed it. */
  url: string;
  token: string;
  /** PEM CA certificate(s) to trust for an `https://` relay (e.g. a self-signed coordinator's). */
  ca?: string | Buffer;
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
  const basePath = new URL(base).pathname.replace(/\/+$/, '');
  const sendTimeoutMs = opts.sendTimeoutMs ?? 3000;
  const streamIdleMs = opts.streamIdleMs ?? 5000;
  const log = opts.log ?? (() => undefined);
  const agent = new Agent({ keepAliveTimeout: 4000, connectTimeout: sendTimeoutMs, ...(opts.ca ? { connect: { ca: opts.ca } } : {}) });
  const life = new AbortController();
  let streamLoop: Promise<void> | undefined;

  async function send(msgs: WorkerMessage[]): Promise<void> {
    if (life.signal.aborted) throw new RelayUnavailableError('client closed');
    let res;
    const body = JSON.stringify(msgs);
    const signed = signRequest(opts.token, 'POST', `${basePath}/v1/messages`, body);
    try {
      res = await request(`${base}/v1/messages`, {
        method: 'POST',
        dispatcher: agent,
        headers: { authorization: signed.authorization, 'content-type': 'application/json' },
        body,
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
    if (res.statusCode === 401) throw new RelayAuthError(`HTTP 401 from ${base}`);
    if (res.statusCode >= 500) throw new RelayUnavailableError(`HTTP ${res.statusCode} from ${base}: ${text.slice(0, 200)}`);
    // Everything acted on below must come from the coordinator itself.
    if (!macMatches(answerMac(opts.token, signed.mac, res.statusCode, text), res.headers[ANSWER_MAC_HEADER])) {
      throw new RelayUntrustedError(base, res.headers[ANSWER_MAC_HEADER] ? `HTTP ${res.statusCode} with a wrong signature` : `HTTP ${res.statusCode} without a signature`);
    }
    if (res.statusCode === 200) return;
    if (res.statusCode === 413) throw new RelayRefusedError(`the relay refused a message as too large: ${text.slice(0, 200)}`);
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

  async function streamCommands(workerId: string, onCommand: (cmd: Command) => void, onError: (err: RelayUntrustedError) => void): Promise<void> {
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
        const query = `/v1/commands?worker=${encodeURIComponent(workerId)}&after=${lastSeq}`;
        const signed = signRequest(opts.token, 'GET', `${basePath}${query}`);
        const res = await request(`${base}${query}`, {
          method: 'GET',
          dispatcher: agent,
          headers: { authorization: signed.authorization },
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
            const { seq, cmd, mac } = JSON.parse(line) as { seq: number; cmd: unknown; mac?: string };
            if (!macMatches(commandMac(opts.token, signed.mac, seq, JSON.stringify(cmd)), mac)) {
              onError(new RelayUntrustedError(base, mac ? 'a command with a wrong signature' : 'an unsigned command'));
              return; // no reconnect: this relay is not ours
            }
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
    connect(workerId, onCommand, onError) {
      streamLoop ??= streamCommands(workerId, onCommand, onError ?? (() => undefined));
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
