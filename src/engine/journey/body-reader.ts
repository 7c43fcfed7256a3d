/**
 * Reading response bodies without letting a huge response exhaust memory (issue 3:
 * "capped (`max_body`, default 1 MiB)"). `readCapped` keeps at most `maxBytes` and
 * lets every later chunk go as soon as it is counted; `drain` counts and drops all
 * of it. Both read the stream to its end, so the connection stays reusable
 * (undici's `body.dump()` instead destroys the socket past its limit).
 *
 * Works with undici `request()` bodies (a Readable) or any async iterable of
 * Buffers/Uint8Arrays. The engine's own dispatch handler (src/engine/http.ts) applies
 * the same cap chunk by chunk; these are for code paths that use `request()`.
 */
import type { Readable } from 'node:stream';

/** A response body: undici's `request()` body (a Readable) or any async iterable of bytes. */
export type BodySource = AsyncIterable<Uint8Array> | Readable;

/** What a capped read kept. */
export interface CappedBody {
  /** The kept bytes decoded as UTF-8 (a multi-byte character cut by the cap is dropped whole). */
  text: string;
  /** Total bytes the body had (kept + discarded). */
  bytes: number;
  /** True when bytes > maxBytes. */
  truncated: boolean;
}

/** Byte length of the longest prefix of buf[0..end) that does not end inside a UTF-8 sequence. */
export function utf8SafeEnd(buf: Uint8Array, end: number): number {
  // Walk back over at most 3 continuation bytes to the lead byte of the last character.
  let i = end - 1;
  let cont = 0;
  while (i >= 0 && cont < 3 && (buf[i] & 0xc0) === 0x80) {
    i--;
    cont++;
  }
  if (i < 0) return end;
  const lead = buf[i];
  const need = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
  return end - i >= need ? end : i;
}

/**
 * Reads `body` to its end, keeping at most `maxBytes` (≥ 0) of it. Memory held is
 * about `maxBytes` plus one chunk. Rejects only when the stream errors.
 */
export async function readCapped(body: BodySource, maxBytes: number): Promise<CappedBody> {
  const cap = Math.max(0, Math.floor(maxBytes));
  // Preallocating the cap would cost 1 MiB per request even for tiny bodies: collect
  // (sliced) chunks instead and copy once at the end.
  const kept: Uint8Array[] = [];
  let keptBytes = 0;
  let bytes = 0;
  for await (const chunk of body as AsyncIterable<Uint8Array>) {
    bytes += chunk.length;
    const room = cap - keptBytes;
    if (room <= 0) continue;
    // A subarray would pin the whole chunk; copy the part we keep when cutting.
    const part = chunk.length <= room ? chunk : Uint8Array.prototype.slice.call(chunk, 0, room);
    kept.push(part);
    keptBytes += part.length;
  }
  const buf = Buffer.concat(kept, keptBytes);
  const truncated = bytes > cap;
  const end = truncated ? utf8SafeEnd(buf, buf.length) : buf.length;
  return { text: buf.toString('utf8', 0, end), bytes, truncated };
}

/** Reads `body` to its end without keeping any of it; resolves with its byte count. */
export async function drain(body: BodySource): Promise<number> {
  let bytes = 0;
  for await (const chunk of body as AsyncIterable<Uint8Array>) bytes += chunk.length;
  return bytes;
}
