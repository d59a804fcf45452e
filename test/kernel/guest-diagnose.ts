import { join } from 'node:path';
import { execLocal } from '../../src/host/spawn.js';
import { formatTranscript } from '../../src/diagnose/transcript.js';
import { PAIR_CLEANUP, PAIR_SETUP, PING_A_TO_B } from '../../scripts/record-transcripts.js';

/** One `mplsgre diagnose` run inside user-mode Linux, with the failure it was given. */
export interface GuestDiagnoseRun {
  readonly name: string;
  /** The command that failed, and what it printed. */
  readonly provoked: { readonly argv: readonly string[]; readonly exitCode: number | null; readonly stdout: string; readonly stderr: string };
  readonly argv: readonly string[];
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
}

type Argv = readonly string[];

async function must(argv: Argv): Promise<void> {
  const r = await execLocal(argv[0]!, argv.slice(1), { timeoutMs: 20_000 });
  if (r.failed) throw new Error(`${argv.join(' ')} failed: ${r.stderr.trim() || r.spawnError || r.exitCode}`);
}

/**
 * Runs inside user-mode Linux, in one boot: provokes the article's three failures (and two more)
 * in the states that cause them, and runs the real CLI on what each printed.
 */
export async function diagnoseInGuest(input: { root: string }): Promise<GuestDiagnoseRun[]> {
  const runs: GuestDiagnoseRun[] = [];
  const cli = join(input.root, 'bin', 'mplsgre.js');
  const provoke = async (argv: Argv): Promise<GuestDiagnoseRun['provoked']> => {
    const r = await execLocal(argv[0]!, argv.slice(1), { timeoutMs: 20_000 });
    return { argv, exitCode: r.exitCode, stdout: r.stdout, stderr: r.stderr };
  };
  const diagnose = async (name: string, provoked: GuestDiagnoseRun['provoked'], args: string[], stdin?: string): Promise<void> => {
    const argv = [cli, 'diagnose', ...args];
    const started = performance.now();
    const r = await execLocal(process.execPath, argv, { timeoutMs: 30_000, ...(stdin !== undefined ? { input: stdin } : {}) });
    runs.push({ name, provoked, argv, code: r.exitCode, stdout: r.stdout, stderr: r.stderr, ms: Math.round(performance.now() - started) });
  };
  const lastLine = (s: string): string => s.trim().split('\n').at(-1) ?? '';

  // 1. Fresh boot, nothing loaded: ip -f mpls route add.
  const route = ['ip', '-f', 'mpls', 'route', 'add', '101', 'dev', 'lo'];
  const p1 = await provoke(route);
  await diagnose('mpls-route-add', p1, [lastLine(p1.stderr), '--command', route.join(' '), '--json']);
  await diagnose('mpls-route-add-text', p1, [lastLine(p1.stderr), '--command', route.join(' ')]);

  // 2. Still nothing loaded: sysctl on net.mpls.conf.foo4.
  const sysctl = ['sysctl', '-w', 'net.mpls.conf.foo4.input=1'];
  const p2 = await provoke(sysctl);
  await diagnose('sysctl-conf', p2, [lastLine(p2.stderr), '--command', sysctl.join(' '), '--json']);

  // 3. Modules loaded, a namespace without foo4: the same sysctl.
  await must(['modprobe', '-a', 'mpls_router', 'mpls_iptunnel', 'ip_gre', 'veth']);
  await must(['ip', 'netns', 'add', 'K1']);
  const p3 = await provoke(['ip', 'netns', 'exec', 'K1', ...sysctl]);
  await diagnose('sysctl-missing-interface', p3, [lastLine(p3.stderr), '--command', p3.argv.join(' '), '--netns', 'K1', '--json']);
  await must(['ip', 'netns', 'del', 'K1']);

  // 4. A fresh namespace: platform_labels is 0; the session pasted on stdin.
  await must(['ip', 'netns', 'add', 'K2']);
  const p4 = await provoke(['ip', 'netns', 'exec', 'K2', 'ip', '-f', 'mpls', 'route', 'add', '100', 'dev', 'lo']);
  await diagnose('platform-labels', p4, ['-', '--netns', 'K2', '--json'], formatTranscript(p4.argv, p4.stdout, p4.stderr));
  await must(['ip', 'netns', 'del', 'K2']);

  // 5. The seed tunnel up, strict rp_filter on B: pings vanish.
  for (const argv of PAIR_SETUP) await must(argv);
  await must(['ip', 'netns', 'exec', 'B', 'sysctl', '-w', 'net.ipv4.conf.all.rp_filter=1']);
  const p5 = await provoke(PING_A_TO_B);
  await diagnose('rp-filter-strict', p5, ['-', '--netns', 'B', '--iface', 'foo4', '--labels', '100,101', '--json'], formatTranscript(p5.argv, p5.stdout, p5.stderr));
  for (const argv of PAIR_CLEANUP) await execLocal(argv[0]!, argv.slice(1), { timeoutMs: 20_000 });
  return runs;
}
