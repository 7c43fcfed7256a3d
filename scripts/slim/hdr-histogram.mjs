/**
 * The part of hdr-histogram-js src/metrics uses, without the package's index.js.
 * scripts/build.mjs resolves `hdr-histogram-js` imported from src/ to this file,
 * because index.js also loads the log reader and writer, and the writer builds an
 * `Intl.NumberFormat` at load: ICU set-up of ~20–28 ms on the 2-core bench machine,
 * before the first request (a benchmark target), for a formatter we never use.
 *
 * Same modules, same functions as `import * as hdr from 'hdr-histogram-js'`
 * (test/build/slim-deps.test.ts checks identity). A name src/ reads but this file
 * lacks fails the build.
 */
export { build } from 'hdr-histogram-js/dist/HistogramBuilder.js';
export { encodeIntoCompressedBase64, decodeFromCompressedBase64 } from 'hdr-histogram-js/dist/encoding.js';
