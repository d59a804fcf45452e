import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let root: string | undefined;
let sea: boolean | undefined;

/**
 * Whether this process is the single executable (dist/sea/mplsgre, scripts/package.ts): Node, the
 * bundle and the package files it reads are one file, with no package folder and no `node` beside it.
 */
export function inSea(): boolean {
  if (sea === undefined) {
    try {
      sea = process.getBuiltinModule('node:sea').isSea();
    } catch {
      sea = false;
    }
  }
  return sea;
}

/** How to run this very program again: the single executable itself, or node with the package's CLI script. */
export function selfArgv(): string[] {
  return inSea() ? [process.execPath] : [process.execPath, join(packageRoot(), 'bin', 'mplsgre.js')];
}

/**
 * The package files the CLI reads at run time, by name: the keys of sea-config.json's assets,
 * which the single executable carries inside.
 */
export type PackageFile = 'package.json' | 'examples/seed.yaml';

/** A package file's text: from the package folder, or from the single executable's assets. */
export function packageText(file: PackageFile): string {
  if (inSea()) return process.getBuiltinModule('node:sea').getAsset(file, 'utf8');
  return readFileSync(join(packageRoot(), file), 'utf8');
}

/**
 * The installed package's root, found from this module whether it runs compiled
 * (dist/src/host/paths.js) or bundled (dist/bundle/mplsgre.cjs). The single executable has none:
 * callers must ask inSea() first.
 */
export function packageRoot(): string {
  if (root) return root;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'mplsgre') return (root = dir);
    dir = dirname(dir);
  }
  throw new Error('mplsgre package root not found');
}
