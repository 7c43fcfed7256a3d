/**
 * The chart library the HTML report and the live dashboard inline: uPlot (MIT,
 * ~51 KB minified JS + 2 KB CSS; canvas, no dependencies, sets every label with
 * textContent, never innerHTML). Read from node_modules at render time under tsx;
 * the esbuild bundles (dist/) replace this module with one that holds the same two
 * texts (scripts/build-options.mjs, `inlineChartAssets`), because dist/ ships
 * without node_modules.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

/** uPlot's minified IIFE script (defines `uPlot`) and its stylesheet. */
export interface ChartAssets {
  js: string;
  css: string;
}

let cached: ChartAssets | undefined;

/** The uPlot script and stylesheet, read once. */
export function chartAssets(): ChartAssets {
  if (!cached) {
    const req = createRequire(import.meta.url);
    cached = { js: readFileSync(req.resolve('uplot/dist/uPlot.iife.min.js'), 'utf8'), css: readFileSync(req.resolve('uplot/dist/uPlot.min.css'), 'utf8') };
  }
  return cached;
}
