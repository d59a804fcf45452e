/**
 * The test command: runs every tier with mocha and closes with `N passed, N failed`.
 *   node dist/test/run.js                  all tiers
 *   node dist/test/run.js --tier unit      no user-mode Linux
 *   node dist/test/run.js --tier kernel    only the user-mode Linux tier
 *   node dist/test/run.js --grep TEXT
 * A tier that cannot run fails: it never passes by skipping.
 */
import Mocha from 'mocha';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import ClosingLineReporter from './support/reporter.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const { values } = parseArgs({ options: { tier: { type: 'string' }, grep: { type: 'string' }, bail: { type: 'boolean' } } });
const tier = values.tier ?? 'all';
if (!['all', 'unit', 'kernel'].includes(tier)) {
  console.error(`--tier: must be all, unit or kernel (got "${tier}")`);
  process.exit(2);
}

function find(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? find(p) : name.endsWith('.test.js') ? [p] : [];
  });
}

const files = find(here)
  .filter((f) => {
    const kernel = relative(here, f).startsWith('kernel/');
    return tier === 'all' || (tier === 'kernel') === kernel;
  })
  .sort((a, b) => Number(relative(here, a).startsWith('kernel/')) - Number(relative(here, b).startsWith('kernel/')) || a.localeCompare(b));

const mocha = new Mocha({
  reporter: ClosingLineReporter,
  timeout: 20_000,
  ...(values.grep ? { grep: values.grep } : {}),
  ...(values.bail ? { bail: true } : {}),
});
for (const f of files) mocha.addFile(f);
await mocha.loadFilesAsync();
mocha.run((failures) => {
  process.exitCode = failures ? 1 : 0;
});
