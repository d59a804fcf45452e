import { prefetch } from './host/prefetch.js';
import { toolCache } from './host/tool-cache.js';
import { CLASS_VERSION_QUERIES, VERSION_QUERIES } from './probes/tools.js';

// `check` on this host asks ip and tcpdump their versions: unless the tool cache already has the
// answer of the same binaries, start them now, before the CLI's modules load.
const argv = process.argv.slice(2);
if (argv[0] === 'check' && !argv.some((a) => a.startsWith('--netns') || a.startsWith('--ssh') || a === '-h' || a === '--help')) {
  const queries = argv.includes('--classes') ? { ...VERSION_QUERIES, ...CLASS_VERSION_QUERIES } : VERSION_QUERIES;
  for (const [file, args] of Object.entries(queries)) {
    if (!toolCache().lookup(file, args)) prefetch(file, args, { timeoutMs: 3_000 });
  }
}

// No top-level await: the bundle is CommonJS (scripts/bundle.ts says why).
// The single executable in a user-mode Linux guest runs the host's job itself (src/host/uml.ts).
// verify's bulk TCP endpoint (src/engine/verify/tcp.ts) is this same program, in a mode not in help.
const run: Promise<number> =
  argv[0] === '--uml-guest'
    ? import('./host/uml-guest-argv.js').then(({ runGuestJobFile }) => runGuestJobFile(argv[1]))
    : argv[0] === '--tcp-endpoint'
      ? import('./host/tcp-endpoint.js').then(({ runTcpEndpoint }) => runTcpEndpoint(argv[1]))
      : import('./cli.js').then(({ main }) => main(argv));
void run.then((code) => {
  process.exitCode = code;
});
