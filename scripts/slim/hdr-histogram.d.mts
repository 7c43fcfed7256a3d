// Types of hdr-histogram.mjs: a subset of hdr-histogram-js's exports, the same functions.
export { build, encodeIntoCompressedBase64, decodeFromCompressedBase64 } from 'hdr-histogram-js';
