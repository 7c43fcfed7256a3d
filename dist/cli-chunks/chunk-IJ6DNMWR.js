import { createRequire as __ltCreateRequire } from 'node:module'; const require = __ltCreateRequire(import.meta.url);
import {
  HdrCounts,
  require_dist
} from "./chunk-ACBGIYP4.js";
import {
  __toESM
} from "./chunk-45V4WZAN.js";

// src/metrics/histogram.ts
var hdr = __toESM(require_dist(), 1);
function encodeHistogram(h) {
  return h instanceof HdrCounts ? h.encode() : hdr.encodeIntoCompressedBase64(h);
}
function decodeHistogram(encoded) {
  return HdrCounts.decode(encoded).toHistogram();
}
var PERCENTILES = [
  ["p50", 50],
  ["p90", 90],
  ["p95", 95],
  ["p99", 99],
  ["p99_9", 99.9]
];
var ms = (us) => Math.round(us) / 1e3;
function latencyStats(h) {
  if (!h || h.totalCount === 0) return { min: 0, mean: 0, p50: 0, p90: 0, p95: 0, p99: 0, p99_9: 0, max: 0 };
  const counts = h instanceof HdrCounts;
  const at = (p) => counts ? h.valueAtPercentile(p) : h.getValueAtPercentile(p);
  const out = {
    min: ms(counts ? h.min : h.getValueAtPercentile(0)),
    mean: ms(h.mean),
    max: ms(counts ? h.max : h.maxValue)
  };
  for (const [key, p] of PERCENTILES) out[key] = ms(at(p));
  return out;
}
function latencyStatsOf(encoded) {
  return encoded ? latencyStats(HdrCounts.decode(encoded)) : latencyStats(void 0);
}

export {
  encodeHistogram,
  decodeHistogram,
  latencyStats,
  latencyStatsOf
};
