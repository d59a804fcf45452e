#!/usr/bin/env node
'use strict';
// CommonJS on purpose (bin/package.json): Node starts a CommonJS entry without its ES module
// loader, a saving `mplsgre check` needs to stay near bare `node` (bench/check.bench.ts).
require('../dist/bundle/mplsgre.cjs');
