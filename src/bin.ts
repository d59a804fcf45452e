import { prefetch } from './host/prefetch.js';
import { toolCache } from './host/tool-cache.js';
import { VERSION_QUERIES } from './probes/tools.js';

// `check` on this host asks ip and tcpdump their versions: unless the tool cache already has the
// answer of the same binaries, start them now, before the CLI's modules load.
const argv = process.argv.slice(2);
if (argv[0] === 'check' && !argv.some((a) => a.startsWith('--netns') || a.startsWith('--ssh') || a === '-h' || a === '--help')) {
  for (const [file, args] of Object.entries(VERSION_QUERIES)) {
    if (!toolCache().lookup(file, args)) prefetch(file, args, { timeoutMs: 3_000 });
  }
}

// No top-level await: the bundle is CommonJS (scripts/bundle.ts says why).
void import('./cli.js')
  .then(({ main }) => main(argv))
  .then((code) => {
    process.exitCode = code;
  });
