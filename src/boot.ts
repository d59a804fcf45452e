import { readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { createRequire, wrap } from 'node:module';
import { dirname, join } from 'node:path';
import { Script } from 'node:vm';
import { defaultCacheDir } from './host/tool-cache.js';

/**
 * Loads the CLI bundle (dist/bundle/main.cjs) through V8's code cache. Parsing and compiling the
 * bundle costs more than a `mplsgre check` does in all (bench/check.bench.ts); with the code V8
 * compiled on an earlier run, both are skipped. The cache is per user (the tool cache's folder),
 * per Node version and per bundle file (inode, size, mtime: V8 itself checks only the source's
 * length), rewritten when V8 rejects it or the bundle changes; MPLSGRE_TOOL_CACHE=off turns it
 * off with the tool cache. Node 22's module.enableCompileCache() does the same natively.
 */
const bundle = join(__dirname, 'main.cjs');
const source = readFileSync(bundle, 'utf8');
const dir = defaultCacheDir();
const st = statSync(bundle);
const cacheFile = dir === undefined ? undefined : join(dir, `code-${process.version}-${process.arch}-${st.ino}-${st.size}-${Math.trunc(st.mtimeMs)}.v8`);

let cachedData: Buffer | undefined;
try {
  if (cacheFile) cachedData = readFileSync(cacheFile);
} catch {
  // first run with this bundle and this Node: compiled as usual, cached at exit
}

// The bundle has no import() left (a test checks): esbuild turns ours into requires, and node:
// builtins come from process.getBuiltinModule, so the script needs no dynamic-import callback.
const script = new Script(wrap(source), { filename: bundle, ...(cachedData ? { cachedData } : {}) });
if (cacheFile && (!cachedData || script.cachedDataRejected)) {
  // At exit, so the cache holds every function this run compiled, not only the top level.
  process.once('exit', () => writeCodeCache(cacheFile, script));
}
const mod = { exports: {} };
(script.runInThisContext() as (...a: unknown[]) => void).call(mod.exports, mod.exports, createRequire(bundle), mod, bundle, dirname(bundle));

function writeCodeCache(file: string, s: Script): void {
  try {
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, s.createCachedData(), { mode: 0o600 });
    renameSync(tmp, file);
    // Caches of earlier bundles or Node versions are dead weight.
    for (const name of readdirSync(dirname(file))) {
      if (name.startsWith('code-') && name.endsWith('.v8') && join(dirname(file), name) !== file) rmSync(join(dirname(file), name), { force: true });
    }
  } catch {
    // read-only or full: the next run compiles again
  }
}
