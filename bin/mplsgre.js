#!/usr/bin/env node
'use strict';
// CommonJS on purpose (bin/package.json): Node starts a CommonJS entry without its ES module
// loader, a saving `mplsgre check` needs to stay near bare `node` (bench/check.bench.ts).
try {
  require('../dist/bundle/mplsgre.cjs');
} catch (err) {
  // A clone before its build has no bundle: say what to run (exit 3), not a stack trace.
  const { existsSync } = require('node:fs');
  const { join } = require('node:path');
  const missing = ['mplsgre.cjs', 'main.cjs'].map((f) => join(__dirname, '..', 'dist', 'bundle', f)).filter((f) => !existsSync(f));
  if (missing.length === 0) throw err;
  process.stderr.write(`mplsgre: not built (${missing.join(', ')} missing): run npm ci && npm run build first\n`);
  process.exitCode = 3;
}
