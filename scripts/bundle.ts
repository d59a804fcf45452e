import { build } from 'esbuild';

/**
 * One file for the CLI: resolving dozens of modules at start-up costs more than
 * `mplsgre check` may spend in all (bench/check.bench.ts measures it).
 */
await build({
  entryPoints: { mplsgre: 'src/bin.ts' },
  outdir: 'dist/bundle',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  minify: true,
  // Maps beside the chunks, without the comment that makes Node load its source-map machinery.
  sourcemap: 'external',
  // Each subcommand in a chunk of its own, loaded when it runs: `check` never parses YAML or pcap code.
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  logLevel: 'warning',
  banner: { js: "import{createRequire as __mplsgreRequire}from'node:module';const require=__mplsgreRequire(import.meta.url);" },
});
