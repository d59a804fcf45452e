import { build } from 'esbuild';

/**
 * One file for the CLI: resolving dozens of modules at start-up costs more than
 * `mplsgre check` may spend in all (bench/check.bench.ts measures it).
 */
await build({
  entryPoints: ['src/bin.ts'],
  outfile: 'dist/mplsgre.js',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  minify: true,
  sourcemap: 'linked',
  splitting: false,
  logLevel: 'warning',
  banner: { js: "import{createRequire as __mplsgreRequire}from'node:module';const require=__mplsgreRequire(import.meta.url);" },
});
