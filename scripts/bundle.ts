import { rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { build, type BuildOptions, type Plugin } from 'esbuild';

/**
 * The CLI as two CommonJS files in dist/bundle: main.cjs (everything) and mplsgre.cjs (src/boot.ts,
 * which loads main.cjs through V8's code cache). Measured with bench/check.bench.ts: resolving and
 * linking a graph of ES modules (even esbuild's split chunks) costs more at start-up than
 * `mplsgre check` may spend in all, while a CommonJS file needs no module loader beyond the one
 * Node has already started. Subcommands stay lazy: esbuild wraps each dynamically imported module
 * in an initialiser that runs when the command is chosen, so `check` never runs YAML or pcap code.
 */
const common: BuildOptions = {
  outdir: 'dist/bundle',
  outExtension: { '.js': '.cjs' },
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  minify: true,
  // The map beside the bundle, without the comment that makes Node load its source-map machinery.
  sourcemap: 'external',
  logLevel: 'warning',
};

/**
 * execa is ES modules: bundled as they are, esbuild hoists their ~700 functions to the bundle's
 * top level, and V8 creates each of them at every start, spawn or not. Bundled first into a
 * CommonJS file of its own, it sits in the main bundle inside one closure that runs on the first
 * spawn only (callgrind of `mplsgre check`: README "Start-up cost").
 */
const VENDOR = 'dist/vendor/execa.cjs';
const vendored: Plugin = {
  name: 'vendored-execa',
  setup(b) {
    b.onResolve({ filter: /^execa$/ }, () => ({ path: resolve(VENDOR) }));
  },
};

rmSync('dist/bundle', { recursive: true, force: true });
await build({ ...common, outdir: undefined, outExtension: undefined, sourcemap: false, entryPoints: ['execa'], outfile: VENDOR });
await build({
  ...common,
  plugins: [vendored],
  entryPoints: { main: 'src/bin.ts' },
  // import.meta.url has no CommonJS meaning: it becomes the bundle's own file URL.
  define: { 'import.meta.url': '__mplsgreUrl' },
  banner: { js: "const __mplsgreUrl=require('node:url').pathToFileURL(__filename).href;" },
});
await build({ ...common, entryPoints: { mplsgre: 'src/boot.ts' } });
