// esbuild options of the two bundles, shared by scripts/build.mjs and the test that
// builds the CLI bundle (test/build/cli-bundle.test.ts).
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * Slim entries for CommonJS dependencies whose index.js loads much more than we use
 * (esbuild cannot tree-shake CommonJS), because time from process start to the first
 * request is a benchmark target (`npm run bench -- startup`):
 * - `undici` imported from src/engine/ resolves to scripts/slim/undici.mjs, which
 *   re-exports the same objects from undici's own modules; other importers (the
 *   @actions/* clients, the HTTP relay client) get the full package;
 * - undici's client.js gets its HTTP/2 connector (and with it node:http2) on first use;
 * - handlebars, tldts (under tough-cookie), hdr-histogram-js and re2js are evaluated on
 *   first use (DEFERRED).
 * Why and how much: in the scripts/slim/ files and at DEFERRED.
 * test/build/cli-bundle.test.ts checks that the slim entry hands out undici's own
 * objects, what the run path loads, and that the bundle runs a plan with a template
 * and cookies and writes its HTML report.
 */
const SLIM = {
  undici: { file: 'scripts/slim/undici.mjs', importers: 'src/engine/' },
};
/**
 * Packages whose evaluation waits for their first use. The engine compiles templates
 * with handlebars only when a step has one, tough-cookie asks tldts for a domain only
 * when a response sets a cookie, and src/metrics wants hdr-histogram-js's own
 * histograms only for progress lines and reports; but all are imported statically,
 * so their module code ran before the first request of every plan: ~7 ms (handlebars,
 * with source-map), ~6 ms (tldts builds its public-suffix tables) and ~3 ms
 * (hdr-histogram-js with pako) on the 2-core bench machine. Each is replaced by a
 * small module that requires the package on first use: handlebars' default export
 * by a proxy of it (reads, writes and calls go to the real object), the others by
 * functions of the same names (re2js's RE2JS class by a proxy). For hdr-histogram-js
 * those come from the package's own modules rather than its index.js, whose log
 * writer builds an Intl.NumberFormat at load (ICU set-up, ~20 ms). A name the importers use that is not listed here
 * fails the build.
 */
const DEFERRED = {
  handlebars: { default: true },
  tldts: { functions: { getDomain: 'tldts' } },
  'hdr-histogram-js': {
    functions: {
      build: 'hdr-histogram-js/dist/HistogramBuilder.js',
      encodeIntoCompressedBase64: 'hdr-histogram-js/dist/encoding.js',
      decodeFromCompressedBase64: 'hdr-histogram-js/dist/encoding.js',
    },
  },
  // The RE2 port (260 KB of JS) is needed only by plans with a regex extractor or
  // body_matches: its import took ~27 ms here (a one-off probe, `await import('re2js')`).
  re2js: { objects: { RE2JS: 're2js' } },
};

/** Source of the module that stands for a DEFERRED package. */
function deferredModule(pkg) {
  const spec = DEFERRED[pkg];
  const lines = [];
  if (spec.default)
    lines.push(
      `let lib;`,
      `const load = () => (lib ??= require(${JSON.stringify(pkg)}));`,
      `export default new Proxy({}, {`,
      `  get: (_, k) => Reflect.get(load(), k),`,
      `  set: (_, k, v) => Reflect.set(load(), k, v),`,
      `  has: (_, k) => Reflect.has(load(), k),`,
      `  ownKeys: () => Reflect.ownKeys(load()),`,
      `  getOwnPropertyDescriptor: (_, k) => { const d = Reflect.getOwnPropertyDescriptor(load(), k); return d && { ...d, configurable: true }; },`,
      `});`,
    );
  // require() inside the function: esbuild bundles the module and runs it on the first call.
  // A named object (a class used for its static methods): a proxy whose methods are
  // the real object's, bound to it.
  for (const [name, from] of Object.entries(spec.objects ?? {}))
    lines.push(
      `let ${name}$lib;`,
      `export const ${name} = new Proxy({}, {`,
      `  get: (_, k) => { const o = (${name}$lib ??= require(${JSON.stringify(from)}).${name}); const v = Reflect.get(o, k); return typeof v === 'function' ? v.bind(o) : v; },`,
      `});`,
    );
  for (const [name, from] of Object.entries(spec.functions ?? {}))
    lines.push(`export function ${name}(...args) { return require(${JSON.stringify(from)}).${name}(...args); }`);
  return lines.join('\n') + '\n';
}

const UNDICI_CLIENT = join(root, 'node_modules/undici/lib/dispatcher/client.js');
/** A filter matching exactly the bare specifiers in `names`. */
const only = (names) => new RegExp(`^(${names.map((n) => n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})$`);

/** The esbuild plugin that applies SLIM, DEFERRED and the lazy HTTP/2 connector. */
export const slimDeps = {
  name: 'slim-deps',
  setup(b) {
    b.onResolve({ filter: only(Object.keys(SLIM)) }, (args) => {
      const slim = SLIM[args.path];
      return args.importer.startsWith(join(root, slim.importers)) ? { path: join(root, slim.file) } : undefined;
    });
    b.onResolve({ filter: /^\.\/client-h2\.js$/ }, (args) =>
      args.importer === UNDICI_CLIENT ? { path: join(root, 'scripts/slim/undici-client-h2.cjs') } : undefined,
    );
    // The deferred module's own require() gets the real package (default resolution).
    b.onResolve({ filter: only(Object.keys(DEFERRED)) }, (args) => (args.namespace === 'deferred' ? undefined : { path: args.path, namespace: 'deferred' }));
    b.onLoad({ filter: /.*/, namespace: 'deferred' }, (args) => ({ contents: deferredModule(args.path), resolveDir: root, loader: 'js' }));
  },
};

/**
 * Throws when src/ reads a name a slim or deferred entry lacks. A missing named import is an
 * esbuild error already; a missing member of `import * as ns` is only a warning.
 */
export function failOnMissingSlimExports(result) {
  const missing = result.warnings.filter((w) => /no matching export/.test(w.text) && /scripts\/slim\/|deferred:/.test(w.text));
  if (missing.length) throw new Error(`a slim or deferred entry (scripts/build-options.mjs) lacks what is used:\n${missing.map((w) => `  ${w.location?.file}:${w.location?.line}: ${w.text}`).join('\n')}`);
  return result;
}

/**
 * src/report/chart-assets.ts reads uPlot from node_modules; dist/ ships without
 * node_modules, so the bundles get a module holding the two texts instead.
 */
export const inlineChartAssets = {
  name: 'inline-chart-assets',
  setup(b) {
    b.onLoad({ filter: /[\\/]src[\\/]report[\\/]chart-assets\.ts$/ }, () => {
      const read = (f) => JSON.stringify(readFileSync(join(root, 'node_modules/uplot/dist', f), 'utf8'));
      return { contents: `export function chartAssets() { return { js: ${read('uPlot.iife.min.js')}, css: ${read('uPlot.min.css')} }; }\n`, loader: 'js' };
    });
  },
};

const common = {
  absWorkingDir: root,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  legalComments: 'none',
  logLevel: 'warning',
  plugins: [slimDeps, inlineChartAssets],
  // CommonJS dependencies call require() for Node built-ins; give the ESM bundle one.
  banner: { js: "import { createRequire as __ltCreateRequire } from 'node:module'; const require = __ltCreateRequire(import.meta.url);" },
};

/** The Action: one ESM bundle (node24 runtime). */
export function actionBuildOptions(outfile) {
  return { ...common, entryPoints: ['src/action/index.ts'], outfile };
}

/**
 * The `loadtest` CLI, split into chunks so `loadtest run` loads only what it uses
 * (time from process start to the first request is a benchmark target). Files end in
 * .mjs: Node then knows each is a module from its name, where for .js it looks up the
 * package scope and checks the source, for each of the ~20 files of the run path
 * (`BENCH_CLI=<the same build with .js> npm run bench -- startup` against the default,
 * three pairs of runs: ratio to autocannon 0.96, 0.95, 1.00 with .js; 0.93, 0.91, 0.97
 * with .mjs). Whitespace
 * and syntax are minified because parsing is part of that time: 2.1 MB → 1.4 MB of
 * JavaScript before the first request, ~30 ms less compiling, UTF-8 decoding and GC
 * on the 2-core bench machine. Identifiers are kept so stack traces still name
 * functions (minifying them too took another 0.3 MB off but no measurable time).
 */
export function cliBuildOptions(outdir) {
  return { ...common, entryPoints: { cli: 'src/cli/main.ts' }, outdir, splitting: true, chunkNames: 'cli-chunks/[name]-[hash]', outExtension: { '.js': '.mjs' }, minifyWhitespace: true, minifySyntax: true };
}
