import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let root: string | undefined;

/**
 * The installed package's root, found from this module whether it runs compiled
 * (dist/src/host/paths.js) or bundled (dist/bundle/mplsgre.cjs).
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
