import { prefetch } from './host/prefetch.js';

// `check` on this host spawns these two: start them before the CLI's modules load.
const argv = process.argv.slice(2);
if (argv[0] === 'check' && !argv.some((a) => a.startsWith('--netns') || a.startsWith('--ssh') || a === '-h' || a === '--help')) {
  prefetch('ip', ['-V'], { timeoutMs: 3_000 });
  prefetch('tcpdump', ['--version'], { timeoutMs: 3_000 });
}

const { main } = await import('./cli.js');
process.exitCode = await main(argv);
