import { rmSync } from 'node:fs';
import { build, type BuildOptions } from 'esbuild';

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

rmSync('dist/bundle', { recursive: true, force: true });
await build({
  ...common,
  entryPoints: { main: 'src/bin.ts' },
  // import.meta.url has no CommonJS meaning: it becomes the bundle's own file URL.
  define: { 'import.meta.url': '__mplsgreUrl' },
  banner: { js: "const __mplsgreUrl=require('node:url').pathToFileURL(__filename).href;" },
});
await build({ ...common, entryPoints: { mplsgre: 'src/boot.ts' } });
