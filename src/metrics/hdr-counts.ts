/**
 * `HdrCounts`: the recorder's and the merger's working histogram. It is an HDR
 * histogram with one fixed layout — integer µs, lowest discernible value 1,
 * 3 significant digits (2,048 sub-buckets; counts index = (bucket + 1) · 1024 +
 * sub − 1024) — holding plain Float64 counts, with its own reader and writer of the
 * standard compressed V2 encoding ("HISTF…" base64, what hdr-histogram-js, Java, C
 * and Rust exchange). Outputs are bucket-for-bucket what hdr-histogram-js holds and
 * reports for the same values (test/metrics/hdr-counts.test.ts checks counts,
 * percentiles, mean, min, max and both directions of the encoding).
 *
 * Why not hdr-histogram-js on the hot paths — measured on this 2-core machine
 * (bench/histogram-options.ts, bench/recorder.ts, bench/merge.ts):
 * - its JS `recordValue` costs ~220–660 ns (`Math.log2` + `Math.pow` per value) and
 *   a request records three values; the bit arithmetic here costs a few ns;
 * - its WASM build records in ~70 ns but costs ~140 ms to initialise (the budget from
 *   process start to first request is 300 ms) and leaks unless every histogram,
 *   decoded ones included, is destroyed;
 * - its decode + add of a 2,000-value worker histogram costs ~0.3–0.5 ms (a new
 *   auto-resized histogram, then an add that re-derives each bucket's index through
 *   the slow path), so 256 workers × ~12 histograms took ~740 ms per interval against
 *   a 100 ms target; decoding straight into these counts takes a few µs.
 * Reports and anything wanting the library's API get `toHistogram()`.
 */
import { deflateSync, inflateSync } from 'node:zlib';
import * as hdr from 'hdr-histogram-js';
import { LtError } from '../errors.js';

const HALF_MAGNITUDE = 10;
const HALF_COUNT = 1 << HALF_MAGNITUDE;
/** Fast (32-bit) index arithmetic below this; larger values (> ~35 min in µs) take the float path. */
const FAST_LIMIT = 2 ** 31;
/** Highest value kept: ~285 years in µs; anything above (or Infinity) is clamped here. */
const MAX_VALUE = 2 ** 53;
/** Initial reach: buckets 0..9 cover values below 2^20 µs (~1 s); grows on demand. */
const INITIAL_LENGTH = 11 * HALF_COUNT;

const V2_COOKIE = 0x1c849303 | 0x10;
const V2_COMPRESSED_COOKIE = 0x1c849304 | 0x10;
const HEADER_BYTES = 40;

/** Counts index of an integer value ≥ 0. */
export function indexOfValue(v: number): number {
  if (v < FAST_LIMIT) {
    const bucket = Math.max(0, 31 - Math.clz32(v) - HALF_MAGNITUDE);
    return ((bucket + 1) << HALF_MAGNITUDE) + (v >>> bucket) - HALF_COUNT;
  }
  const bucket = Math.floor(Math.log2(v)) - HALF_MAGNITUDE;
  // log2 of huge integers can be off by one ulp: fix the bucket so that sub is in [1024, 2048).
  let b = bucket;
  while (Math.floor(v / 2 ** b) >= 2 * HALF_COUNT) b++;
  while (b > 0 && Math.floor(v / 2 ** b) < HALF_COUNT) b--;
  return (b + 1) * HALF_COUNT + Math.floor(v / 2 ** b) - HALF_COUNT;
}

/** Lowest value recorded to a counts index. */
export function lowestValueOf(index: number): number {
  let bucket = Math.floor(index / HALF_COUNT) - 1;
  let sub = (index % HALF_COUNT) + HALF_COUNT;
  if (bucket < 0) {
    sub -= HALF_COUNT;
    bucket = 0;
  }
  return sub * 2 ** bucket;
}

/** Width of the value range of a counts index. */
function rangeOf(index: number): number {
  return 2 ** Math.max(0, Math.floor(index / HALF_COUNT) - 1);
}

/** Highest value recorded to a counts index. */
export function highestValueOf(index: number): number {
  return lowestValueOf(index) + rangeOf(index) - 1;
}

/** Raised for an encoded histogram this build cannot read. */
export class HistogramDecodeError extends LtError {
  constructor(message: string) {
    super('LT_ERR_RESULT_INVALID', message);
    this.name = 'HistogramDecodeError';
  }
}

/** A mergeable histogram of integer µs; see the module comment. */
export class HdrCounts {
  private counts = new Float64Array(INITIAL_LENGTH);
  /** Lowest and highest non-empty index (Infinity / −1 when empty). */
  private lo = Infinity;
  private hi = -1;
  /** Number of recorded values. */
  totalCount = 0;

  /**
   * Records one value (hot path). Fractions are truncated as HDR truncates them;
   * negative and NaN values count as 0 rather than throwing (a clock step backwards
   * must not end a run); values past 2^53 are clamped.
   */
  record(value: number): void {
    const v = value > 0 ? Math.floor(value) : 0;
    let i: number;
    if (v < FAST_LIMIT) {
      const bucket = Math.max(0, 31 - Math.clz32(v) - HALF_MAGNITUDE);
      i = ((bucket + 1) << HALF_MAGNITUDE) + (v >>> bucket) - HALF_COUNT;
    } else i = indexOfValue(Math.min(v, MAX_VALUE));
    if (i >= this.counts.length) this.grow(i);
    this.counts[i]++;
    this.totalCount++;
    if (i < this.lo) this.lo = i;
    if (i > this.hi) this.hi = i;
  }

  /** Records `count` occurrences of a value. */
  recordCount(value: number, count: number): void {
    if (!(count > 0)) return;
    let v = value > 0 ? Math.floor(value) : 0;
    v = Math.min(v, MAX_VALUE);
    this.addAt(indexOfValue(v), Math.floor(count));
  }

  private addAt(i: number, count: number): void {
    if (i >= this.counts.length) this.grow(i);
    this.counts[i] += count;
    this.totalCount += count;
    if (i < this.lo) this.lo = i;
    if (i > this.hi) this.hi = i;
  }

  private grow(index: number): void {
    let len = this.counts.length;
    while (len <= index) len *= 2;
    const next = new Float64Array(len);
    next.set(this.counts);
    this.counts = next;
  }

  /** Adds another histogram's counts (exact: bucket-wise addition). */
  add(other: HdrCounts): void {
    if (other.totalCount === 0) return;
    if (other.hi >= this.counts.length) this.grow(other.hi);
    const a = this.counts;
    const b = other.counts;
    for (let i = other.lo; i <= other.hi; i++) a[i] += b[i];
    this.totalCount += other.totalCount;
    if (other.lo < this.lo) this.lo = other.lo;
    if (other.hi > this.hi) this.hi = other.hi;
  }

  /** Empties the histogram (keeps its storage). */
  reset(): void {
    if (this.hi >= 0) this.counts.fill(0, this.lo, this.hi + 1);
    this.lo = Infinity;
    this.hi = -1;
    this.totalCount = 0;
  }

  /** Count at a counts index (tests, iteration). */
  countAtIndex(i: number): number {
    return i < this.counts.length ? this.counts[i] : 0;
  }

  /** Calls `fn(index, count)` for every non-empty bucket, lowest first. */
  forEachBucket(fn: (index: number, count: number) => void): void {
    const c = this.counts;
    for (let i = this.lo; i <= this.hi; i++) if (c[i] !== 0) fn(i, c[i]);
  }

  /** The value at or below which `percentile` % of values fall (hdr-histogram-js semantics). */
  valueAtPercentile(percentile: number): number {
    if (this.totalCount === 0) return 0;
    const p = Math.min(percentile, 100);
    const fp = (p / 100) * this.totalCount;
    // As HDR: round up, but not past a count that fp math overshot by one ulp.
    const target = Math.max(Math.ceil(fp - ulp(fp)), 1);
    let seen = 0;
    const c = this.counts;
    for (let i = this.lo; i <= this.hi; i++) {
      seen += c[i];
      if (seen >= target) return p === 0 ? lowestValueOf(i) : highestValueOf(i);
    }
    return highestValueOf(this.hi);
  }

  /** Mean over bucket midpoints (as HDR computes it); 0 when empty. */
  get mean(): number {
    if (this.totalCount === 0) return 0;
    let sum = 0;
    const c = this.counts;
    for (let i = this.lo; i <= this.hi; i++) {
      if (c[i] !== 0) sum += (lowestValueOf(i) + Math.floor(rangeOf(i) / 2)) * c[i];
    }
    return sum / this.totalCount;
  }

  /** Lowest recorded bucket's lowest value (0 when zeros were recorded or when empty). */
  get min(): number {
    return this.totalCount === 0 ? 0 : lowestValueOf(this.lo);
  }

  /** Highest recorded bucket's highest value (0 when empty). */
  get max(): number {
    return this.totalCount === 0 ? 0 : highestValueOf(this.hi);
  }

  /**
   * V2 base64. Compressed (the default) is what `hdr.decodeFromCompressedBase64`, Java,
   * C and Rust read, and what results carry. Uncompressed (`compress: false`, HDR's
   * plain `encodeIntoByteBuffer` layout) is for interval snapshots: ~1.1–1.7× larger,
   * but a zlib call costs ~15–40 µs fixed here, and a coordinator decodes
   * 256 workers × ~30 histograms every second (bench/merge.ts).
   */
  encode(compress = true): string {
    const limit = Math.max(this.hi + 1, 1);
    const payload = scratch(HEADER_BYTES + limit * 9);
    let pos = HEADER_BYTES;
    const c = this.counts;
    for (let i = 0; i < limit; ) {
      const n = c[i];
      if (n === 0) {
        let zeros = 1;
        while (i + zeros < limit && c[i + zeros] === 0) zeros++;
        pos = zigzagPut(payload, pos, zeros > 1 ? -zeros : 0);
        i += zeros;
      } else {
        pos = zigzagPut(payload, pos, n);
        i++;
      }
    }
    payload.writeInt32BE(V2_COOKIE, 0);
    payload.writeInt32BE(pos - HEADER_BYTES, 4);
    payload.writeInt32BE(0, 8); // normalizing index offset
    payload.writeInt32BE(3, 12); // significant digits
    payload.writeBigInt64BE(1n, 16); // lowest discernible value
    payload.writeBigInt64BE(BigInt(Math.max(2, highestValueOf(limit - 1))), 24);
    payload.writeDoubleBE(1, 32); // integer-to-double conversion ratio
    if (!compress) return payload.toString('base64', 0, pos);
    const z = deflateSync(payload.subarray(0, pos));
    const out = Buffer.allocUnsafe(8 + z.length);
    out.writeInt32BE(V2_COMPRESSED_COOKIE, 0);
    out.writeInt32BE(z.length, 4);
    z.copy(out, 8);
    return out.toString('base64');
  }

  /**
   * Adds an encoded histogram (V2 base64, compressed or not) into this one, decoding
   * straight into the counts: no intermediate arrays (a coordinator decodes thousands
   * a second). The layout is checked before anything is added; a payload that turns
   * out truncated part-way throws, leaving what was read added (counts and total
   * stay consistent).
   */
  addEncoded(encoded: string): void {
    const { buf, end } = payloadOf(encoded);
    let c = this.counts;
    let at = 0;
    let total = 0;
    let first = -1;
    let pos = HEADER_BYTES;
    try {
      while (pos < end) {
        const b = buf[pos];
        // One-byte values (small counts, short zero runs) are most of a payload.
        let n: number;
        if (b < 0x80) {
          pos++;
          n = b & 1 ? -((b + 1) >>> 1) : b >>> 1;
        } else if (pos + 1 < end && buf[pos + 1] < 0x80) {
          const z = (b & 0x7f) | (buf[pos + 1] << 7);
          pos += 2;
          n = z & 1 ? -((z + 1) >>> 1) : z >>> 1;
        } else {
          const cursor = { pos };
          n = zigzagGet(buf, cursor, end);
          pos = cursor.pos;
        }
        if (n < 0) at -= n;
        else {
          if (n > 0) {
            if (at >= c.length) {
              this.grow(at);
              c = this.counts;
            }
            c[at] += n;
            total += n;
            if (first < 0) first = at;
            if (at > this.hi) this.hi = at;
          }
          at++;
        }
      }
    } finally {
      this.totalCount += total;
      if (first >= 0 && first < this.lo) this.lo = first;
    }
  }

  /** A hdr-histogram-js (JS) histogram with the same buckets, for its API and reports. */
  toHistogram(): hdr.Histogram {
    const h = hdr.build({ bitBucketSize: 32, numberOfSignificantValueDigits: 3, lowestDiscernibleValue: 1, highestTrackableValue: 2, autoResize: true, useWebAssembly: false });
    // The top bucket is recorded at its highest value so that maxValue reads as it
    // does on a decoded histogram (highest equivalent value).
    this.forEachBucket((i, n) => h.recordValueWithCount(i === this.hi ? highestValueOf(i) : lowestValueOf(i), n));
    return h;
  }

  /** A histogram from an encoded one. */
  static decode(encoded: string): HdrCounts {
    const h = new HdrCounts();
    h.addEncoded(encoded);
    return h;
  }
}

/** Named histograms (a key's latency, service, ttfb, iteration, lag). */
export type HistSet<K extends string = string> = Partial<Record<K, HdrCounts>>;

/** Released histograms, kept for reuse (each is 90+ KB; a coordinator needs dozens a second). */
const pool: HdrCounts[] = [];
const POOL_MAX = 128;

/** An empty histogram: a released one when there is one, else a new one. */
export function takeCounts(): HdrCounts {
  return pool.pop() ?? new HdrCounts();
}

/** Empties the histograms of a set and keeps them for `takeCounts`; none may be used afterwards. */
export function releaseHists<K extends string>(h: HistSet<K>): void {
  for (const name in h) {
    const c = h[name]!;
    delete h[name];
    if (pool.length < POOL_MAX) {
      c.reset();
      pool.push(c);
    }
  }
}

/** Adds every non-empty histogram of `from` into `into` (creating what is missing). */
export function addHists<K extends string>(into: HistSet<K>, from: HistSet<K>): void {
  for (const name in from) {
    const h = from[name]!;
    if (h.totalCount > 0) (into[name] ??= takeCounts()).add(h);
  }
}

/**
 * A level's histograms as the sum of its own and its children's (a scenario from its
 * steps, the run from its scenarios), added into `into`, which is returned.
 */
export function addRollup<K extends string>(into: HistSet<K>, own: HistSet<K>, children: Iterable<HistSet<K>>): HistSet<K> {
  addHists(into, own);
  for (const c of children) addHists(into, c);
  return into;
}

/** Encodes the non-empty histograms of a set (see HdrCounts.encode for `compress`). */
export function encodeHists<K extends string>(h: HistSet<K>, compress: boolean): Partial<Record<K, string>> {
  const out: Partial<Record<K, string>> = {};
  for (const name in h) {
    const hist = h[name]!;
    if (hist.totalCount > 0) out[name] = hist.encode(compress);
  }
  return out;
}

/**
 * The validated V2 payload of an encoded histogram (inflated when compressed). Only
 * this tool's layout is accepted (lowest 1, 3 significant digits); anything else was
 * not written by this tool and is refused with a clear error.
 */
function payloadOf(encoded: string): { buf: Buffer; end: number } {
  // Decoded into a reused buffer: no allocation for the uncompressed snapshots a coordinator reads by the thousand.
  const need = Math.ceil((encoded.length * 3) / 4);
  const raw = need <= 64 * 1024 ? decodeBuf.subarray(0, decodeBuf.write(encoded, 'base64')) : Buffer.from(encoded, 'base64');
  const cookie = raw.length >= 8 ? raw.readInt32BE(0) & ~0xf0 : 0;
  let buf: Buffer;
  if (cookie === (V2_COOKIE & ~0xf0)) buf = raw;
  else if (cookie === (V2_COMPRESSED_COOKIE & ~0xf0)) {
    try {
      buf = inflateSync(raw.subarray(8, 8 + raw.readInt32BE(4)));
    } catch (err) {
      throw new HistogramDecodeError(`corrupt HDR histogram: ${(err as Error).message}`);
    }
  } else throw new HistogramDecodeError('not a V2 HDR histogram (bad cookie)');
  if (buf.length < HEADER_BYTES || (buf.readInt32BE(0) & ~0xf0) !== (V2_COOKIE & ~0xf0)) throw new HistogramDecodeError('not a V2 HDR histogram payload');
  const digits = buf.readInt32BE(12);
  const lowest = Number(buf.readBigInt64BE(16));
  if (digits !== 3 || lowest !== 1) {
    throw new HistogramDecodeError(`HDR histogram with ${digits} significant digits and lowest value ${lowest}; this tool reads 3 and 1 (µs)`);
  }
  const end = HEADER_BYTES + buf.readInt32BE(4);
  if (end > buf.length) throw new HistogramDecodeError('truncated HDR histogram payload');
  return { buf, end };
}

let scratchBuf: Buffer | undefined;
const decodeBuf = Buffer.allocUnsafe(64 * 1024);
/** A reusable encode buffer of at least `n` bytes (encode is synchronous and deflate copies its input, so sharing is safe). */
function scratch(n: number): Buffer {
  if (!scratchBuf || scratchBuf.length < n) scratchBuf = Buffer.allocUnsafe(Math.max(n, 64 * 1024));
  return scratchBuf;
}

/** One unit in the last place of a positive double. */
function ulp(x: number): number {
  if (x === 0) return Number.MIN_VALUE;
  return 2 ** (Math.floor(Math.log2(Math.abs(x))) - 52);
}

/** ZigZag + LEB128 (at most 9 bytes, the 9th carrying 8 bits), as HDR's V2 format. */
function zigzagPut(buf: Buffer, pos: number, n: number): number {
  let z = n >= 0 ? n * 2 : -n * 2 - 1;
  // Almost every count and zero run fits one or two bytes: no float math for those.
  if (z < 0x80) {
    buf[pos] = z;
    return pos + 1;
  }
  if (z < 0x4000) {
    buf[pos] = (z & 0x7f) | 0x80;
    buf[pos + 1] = z >>> 7;
    return pos + 2;
  }
  for (let k = 0; k < 8; k++) {
    const low = z % 128;
    z = Math.floor(z / 128);
    if (z === 0) {
      buf[pos++] = low;
      return pos;
    }
    buf[pos++] = low | 0x80;
  }
  buf[pos++] = z & 0xff;
  return pos;
}

/** Reads one ZigZag LEB128 value at `cursor.pos`. */
function zigzagGet(buf: Buffer, cursor: { pos: number }, end: number): number {
  let z = 0;
  let scale = 1;
  for (let k = 0; k < 9; k++) {
    if (cursor.pos >= end) throw new HistogramDecodeError('truncated HDR histogram payload');
    const b = buf[cursor.pos++];
    if (k === 8) {
      z += b * scale;
      break;
    }
    z += (b & 0x7f) * scale;
    scale *= 128;
    if ((b & 0x80) === 0) break;
  }
  return z % 2 === 0 ? z / 2 : -(z + 1) / 2;
}
