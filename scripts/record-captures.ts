/**
 * Records the capture fixtures in test/fixtures/captures from a real kernel: boots user-mode
 * Linux 6.1 with this machine's files as root, builds MPLS over GRE between two network
 * namespaces, pings through it and captures with tcpdump; then, on the host, prints the same
 * files with tcpdump (text fixtures) and converts some with Wireshark's editcap/mergecap
 * (pcapng fixtures) or by byte-swapping (big-endian pcap).
 *
 *   node dist/scripts/record-captures.js [--out DIR] [--bench FILE [--packets N]]
 *
 * --out defaults to test/fixtures/captures. --bench also writes a capture of N (100000)
 * packets for bench/capture.bench.ts: a few thousand real packets, replicated with
 * rewritten, increasing timestamps (packet bytes unchanged).
 */
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { replicatePcap, swapPcapByteOrder } from '../src/capture/pcap-rewrite.js';
import type { Background } from '../src/host/host.js';
import { execLocal, startLocal } from '../src/host/spawn.js';
import { ensureUmlKernel, runInUml } from '../src/host/uml.js';

/** tcpdump text variants: file suffix -> extra tcpdump flags. */
const TEXT_VARIANTS: Record<string, readonly [string, readonly string[]][]> = {
  'gre-veth.pcap': [['txt', []], ['e.txt', ['-e']], ['v.txt', ['-v']], ['t.txt', ['-t']], ['ev.txt', ['-e', '-v']]],
  'gre-veth-snap60.pcap': [['txt', []]],
  'gre-foo4-sll.pcap': [['txt', []], ['e.txt', ['-e']]],
  'gre-any-sll2.pcap': [['txt', []], ['e.txt', ['-e']]],
  'gre-any-sll.pcap': [['txt', []]],
  'mix-veth.pcap': [['txt', []], ['v.txt', ['-v']]],
  'mix-mplsip-raw.pcap': [['txt', []]],
};

/** Captures the guest writes, copied to the fixture folder as they are. */
const GUEST_CAPTURES = [
  'gre-veth.pcap',
  'gre-veth-nano.pcap',
  'gre-veth-snap60.pcap',
  'gre-foo4-sll.pcap',
  'gre-any-sll2.pcap',
  'gre-any-sll.pcap',
  'mix-veth.pcap',
  'mix-mplsip-raw.pcap',
];

type Argv = readonly string[];

/** Runs inside user-mode Linux (through runInUml): builds the topology, pings, captures into `dir`. */
export async function recordInGuest(input: { dir: string }): Promise<{ versions: string[]; notes: string[] }> {
  const dir = input.dir;
  const notes: string[] = [];
  const run = async (argv: Argv): Promise<string> => {
    const [file, ...args] = argv as [string, ...string[]];
    const r = await execLocal(file, args, { timeoutMs: 20_000 });
    if (r.failed) throw new Error(`${argv.join(' ')}: ${r.stderr.trim() || r.spawnError || `exit ${r.exitCode}`}`);
    if (argv.includes('ping')) notes.push(`${argv.slice(4).join(' ')}: ${r.stdout.trim().split('\n').slice(-2, -1).join('')}`);
    return r.stdout;
  };
  const inA = (...argv: string[]): Argv => ['ip', 'netns', 'exec', 'A', ...argv];
  const inB = (...argv: string[]): Argv => ['ip', 'netns', 'exec', 'B', ...argv];
  const both = (f: (ns: 'A' | 'B') => Argv[]): Argv[] => [...f('A'), ...f('B')];
  const ns = (n: 'A' | 'B', ...argv: string[]): Argv => ['ip', 'netns', 'exec', n, ...argv];

  for (const m of ['mpls_router', 'mpls_iptunnel', 'mpls_gso', 'ip_gre', 'ip6_gre', 'ipip', 'veth']) await run(['modprobe', m]);
  const versions = [(await run(['uname', '-r'])).trim(), (await run(['ip', '-V'])).trim(), (await run(['tcpdump', '--version'])).split('\n')[0] ?? ''];
  const underlay: Argv[] = [
    ['ip', 'netns', 'add', 'A'],
    ['ip', 'netns', 'add', 'B'],
    ['ip', 'link', 'add', 'vA', 'type', 'veth', 'peer', 'name', 'vB'],
    ['ip', 'link', 'set', 'vA', 'netns', 'A'],
    ['ip', 'link', 'set', 'vB', 'netns', 'B'],
    ...both((n) => [ns(n, 'ip', 'link', 'set', 'lo', 'up'), ns(n, 'sysctl', '-w', 'net.mpls.platform_labels=65535'), ns(n, 'sysctl', '-w', 'net.ipv4.conf.all.rp_filter=2')]),
    inA('ip', 'addr', 'add', '10.128.0.2/16', 'dev', 'vA'),
    inB('ip', 'addr', 'add', '10.128.100.2/16', 'dev', 'vB'),
    inA('ip', '-6', 'addr', 'add', 'fd00:128::2/64', 'dev', 'vA', 'nodad'),
    inB('ip', '-6', 'addr', 'add', 'fd00:128::100:2/64', 'dev', 'vB', 'nodad'),
    inA('ip', 'link', 'set', 'vA', 'up'),
    inB('ip', 'link', 'set', 'vB', 'up'),
  ];
  // The seed setup: A pushes 100 towards B, B pushes 101 towards A; each pops its own label to lo.
  const gre = (extra: string[]): Argv[] => [
    inA('ip', 'tunnel', 'add', 'foo4', 'mode', 'gre', 'remote', '10.128.100.2', 'local', '10.128.0.2', ...extra),
    inB('ip', 'tunnel', 'add', 'foo4', 'mode', 'gre', 'remote', '10.128.0.2', 'local', '10.128.100.2', ...extra),
    inA('ip', 'addr', 'add', '10.199.0.1', 'dev', 'foo4'),
    inB('ip', 'addr', 'add', '10.199.0.2', 'dev', 'foo4'),
    ...both((n) => [
      ns(n, 'ip', 'link', 'set', 'foo4', 'up'),
      ns(n, 'ip', 'route', 'add', '10.199.0.0/24', 'dev', 'foo4'),
      ns(n, 'sysctl', '-w', 'net.mpls.conf.foo4.input=1'),
      ns(n, 'ip', 'route', 'change', '10.199.0.0/24', 'encap', 'mpls', n === 'A' ? '100' : '101', 'dev', 'foo4'),
      ns(n, 'ip', '-f', 'mpls', 'route', 'replace', n === 'A' ? '101' : '100', 'dev', 'lo'),
    ]),
  ];
  for (const argv of [...underlay, ...gre([])]) await run(argv);

  const pingBoth: Argv[] = [inA('ping', '-c', '3', '-i', '0.2', '-W', '2', '10.199.0.2'), inB('ping', '-c', '3', '-i', '0.2', '-W', '2', '10.199.0.1')];
  await capture(dir, [
    ['gre-veth.pcap', inA('tcpdump', '-i', 'vA')],
    ['gre-veth-nano.pcap', inA('tcpdump', '-i', 'vA', '--time-stamp-precision=nano')],
    ['gre-veth-snap60.pcap', inA('tcpdump', '-i', 'vA', '-s', '60')],
    ['gre-foo4-sll.pcap', inA('tcpdump', '-i', 'foo4')],
    ['gre-any-sll2.pcap', inA('tcpdump', '-i', 'any')],
    ['gre-any-sll.pcap', inA('tcpdump', '-i', 'any', '-y', 'LINUX_SLL')],
  ], pingBoth, run, notes);
  await capture(dir, [['bench-seed.pcap', inA('tcpdump', '-i', 'vA')]], [inA('ping', '-q', '-c', '2000', '-i', '0', '10.199.0.2')], run, notes);

  // The mix: GRE with key, sequence numbers and checksums carrying IPv4 and IPv6, ip6gre,
  // two labels straight over Ethernet, and MPLS-in-IP (RFC 4023) on an ipip tunnel in mode any.
  const mix: Argv[] = [
    ...both((n) => [ns(n, 'ip', 'tunnel', 'del', 'foo4')]),
    ...gre(['key', '42', 'seq', 'csum']),
    inA('ip', '-6', 'addr', 'add', 'fd00:199::1', 'dev', 'foo4', 'nodad'),
    inB('ip', '-6', 'addr', 'add', 'fd00:199::2', 'dev', 'foo4', 'nodad'),
    inA('ip', '-6', 'route', 'add', 'fd00:199::/64', 'encap', 'mpls', '100', 'dev', 'foo4'),
    inB('ip', '-6', 'route', 'add', 'fd00:199::/64', 'encap', 'mpls', '101', 'dev', 'foo4'),
    inA('ip', '-6', 'tunnel', 'add', 'foo6', 'mode', 'ip6gre', 'remote', 'fd00:128::100:2', 'local', 'fd00:128::2'),
    inB('ip', '-6', 'tunnel', 'add', 'foo6', 'mode', 'ip6gre', 'remote', 'fd00:128::2', 'local', 'fd00:128::100:2'),
    inA('ip', 'addr', 'add', '10.197.0.1', 'dev', 'foo6'),
    inB('ip', 'addr', 'add', '10.197.0.2', 'dev', 'foo6'),
    inA('ip', 'link', 'add', 'ip4', 'type', 'ipip', 'mode', 'any', 'remote', '10.128.100.2', 'local', '10.128.0.2'),
    inB('ip', 'link', 'add', 'ip4', 'type', 'ipip', 'mode', 'any', 'remote', '10.128.0.2', 'local', '10.128.100.2'),
    inA('ip', 'addr', 'add', '10.196.0.1', 'dev', 'ip4'),
    inB('ip', 'addr', 'add', '10.196.0.2', 'dev', 'ip4'),
    inA('ip', 'addr', 'add', '10.198.0.1/32', 'dev', 'lo'),
    inB('ip', 'addr', 'add', '10.198.0.2/32', 'dev', 'lo'),
    ...both((n) => {
      const [push6, pop6, pushE, popE, pushI, popI] = n === 'A' ? ['300', '301', '200/201', ['210', '211'], '400', '401'] : ['301', '300', '210/211', ['200', '201'], '401', '400'];
      return [
        ns(n, 'ip', 'link', 'set', 'foo6', 'up'),
        ns(n, 'ip', 'link', 'set', 'ip4', 'up'),
        ...['foo6', 'ip4', n === 'A' ? 'vA' : 'vB', 'lo'].map((d) => ns(n, 'sysctl', '-w', `net.mpls.conf.${d}.input=1`)),
        ns(n, 'ip', 'route', 'add', '10.197.0.0/24', 'encap', 'mpls', push6, 'dev', 'foo6'),
        ns(n, 'ip', '-f', 'mpls', 'route', 'add', pop6, 'dev', 'lo'),
        ns(n, 'ip', 'route', 'add', '10.196.0.0/24', 'encap', 'mpls', pushI, 'dev', 'ip4'),
        ns(n, 'ip', '-f', 'mpls', 'route', 'add', popI, 'dev', 'lo'),
        ns(n, 'ip', 'route', 'add', n === 'A' ? '10.198.0.2/32' : '10.198.0.1/32', 'encap', 'mpls', pushE, 'via', 'inet', n === 'A' ? '10.128.100.2' : '10.128.0.2', 'dev', n === 'A' ? 'vA' : 'vB'),
        ...popE.map((l) => ns(n, 'ip', '-f', 'mpls', 'route', 'add', l, 'dev', 'lo')),
      ];
    }),
  ];
  for (const argv of mix) await run(argv);
  await capture(dir, [
    ['mix-veth.pcap', inA('tcpdump', '-i', 'vA')],
    ['mix-mplsip-raw.pcap', inA('tcpdump', '-i', 'ip4')],
  ], [
    inA('ping', '-c', '2', '-i', '0.2', '-W', '2', '10.199.0.2'),
    inA('ping', '-c', '2', '-i', '0.2', '-W', '2', 'fd00:199::2'),
    inA('ping', '-c', '2', '-i', '0.2', '-W', '2', '-I', '10.197.0.1', '10.197.0.2'),
    inA('ping', '-c', '2', '-i', '0.2', '-W', '2', '-I', '10.198.0.1', '10.198.0.2'),
    inA('ping', '-c', '2', '-i', '0.2', '-W', '2', '-I', '10.196.0.1', '10.196.0.2'),
  ], run, notes);
  return { versions, notes };
}

/** Starts each tcpdump, waits for its "listening on" line, sends the traffic, stops them. */
async function capture(dir: string, sniffers: [string, Argv][], traffic: Argv[], run: (argv: Argv) => Promise<string>, notes: string[]): Promise<void> {
  const started: Background[] = [];
  try {
    for (const [file, argv] of sniffers) {
      const [bin, ...args] = argv as [string, ...string[]];
      const bg = startLocal(bin, [...args, '--immediate-mode', '-U', '-Z', 'root', '-w', join(dir, file)], { timeoutMs: 120_000 });
      started.push(bg);
      await bg.waitForLine(/listening on/, 10_000);
    }
    for (const argv of traffic) await run(argv);
  } finally {
    for (const [i, bg] of started.entries()) {
      const r = await bg.stop('SIGINT');
      notes.push(`${sniffers[i]?.[0]}: ${r.stderr.trim().split('\n').filter((l) => l.includes('captured')).join('')}`);
    }
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { out: { type: 'string' }, bench: { type: 'string' }, packets: { type: 'string' } } });
  const out = resolve(values.out ?? 'test/fixtures/captures');
  const log = (msg: string): void => void process.stderr.write(`record-captures: ${msg}\n`);
  await ensureUmlKernel(log);
  // the guest runs this machine's binaries; ensureUmlKernel brings kmod, iproute2, tcpdump, procps
  const ping = await execLocal('ping', ['-V'], { timeoutMs: 5_000 });
  if (ping.spawnError !== undefined) throw new Error('ping is not installed (apt-get install iputils-ping)');
  const work = await mkdtemp(join(tmpdir(), 'mplsgre-captures-'));
  try {
    log(`booting user-mode Linux, results in ${work}`);
    const run = await runInUml({
      job: { kind: 'module', module: fileURLToPath(import.meta.url), export: 'recordInGuest', input: { dir: work } },
      timeoutMs: 300_000,
      onLine: (l) => log(`guest: ${l}`),
    });
    const output = run.output as { ok: boolean; value?: { versions: string[]; notes: string[] }; error?: { message: string } } | undefined;
    if (run.exitCode !== 0 || output?.ok !== true) throw new Error(`guest failed: ${output?.error?.message ?? run.console.slice(-2000)}`);
    for (const line of [...(output.value?.versions ?? []), ...(output.value?.notes ?? [])]) log(`guest: ${line}`);
    await mkdir(out, { recursive: true });
    for (const name of GUEST_CAPTURES) await copyFile(join(work, name), join(out, name));
    await writeTexts(out, log);
    await convert(out, log);
    if (values.bench !== undefined) {
      const n = Number(values.packets ?? 100_000);
      await writeFile(values.bench, replicatePcap(await readFile(join(work, 'bench-seed.pcap')), n));
      log(`wrote ${values.bench}: ${n} packets replicated from ${join(work, 'bench-seed.pcap')}`);
    }
    log(`fixtures in ${out}: ${(await readdir(out)).join(' ')}`);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** `tcpdump -nn -r FILE [flags]` with TZ=UTC, so text timestamps line up with the pcap's. */
async function writeTexts(dir: string, log: (m: string) => void): Promise<void> {
  for (const [pcap, variants] of Object.entries(TEXT_VARIANTS)) {
    for (const [suffix, flags] of variants) {
      const r = await execLocal('tcpdump', ['-nn', ...flags, '-r', join(dir, pcap)], { timeoutMs: 30_000, env: { TZ: 'UTC' } });
      if (r.failed) throw new Error(`tcpdump -r ${pcap} failed: ${r.stderr}`);
      const name = pcap.replace(/\.pcap$/, `.${suffix}`);
      await writeFile(join(dir, name), r.stdout);
      log(`wrote ${name}`);
    }
  }
}

/** pcapng by Wireshark's own writers (when installed), big-endian pcap by swapping header fields. */
async function convert(dir: string, log: (m: string) => void): Promise<void> {
  await writeFile(join(dir, 'gre-veth-be.pcap'), swapPcapByteOrder(await readFile(join(dir, 'gre-veth.pcap'))));
  const steps: [string, string[]][] = [
    ['editcap', ['-F', 'pcapng', join(dir, 'gre-veth-nano.pcap'), join(dir, 'gre-veth-nano.pcapng')]],
    ['mergecap', ['-F', 'pcapng', '-w', join(dir, 'gre-merged.pcapng'), join(dir, 'gre-veth.pcap'), join(dir, 'gre-foo4-sll.pcap')]],
  ];
  for (const [file, args] of steps) {
    const r = await execLocal(file, args, { timeoutMs: 30_000 });
    if (r.spawnError === 'ENOENT') log(`${file} not found (apt-get install wireshark-common): pcapng fixtures left as they are`);
    else if (r.failed) throw new Error(`${file} failed: ${r.stderr}`);
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await main().catch((err: unknown) => {
    process.stderr.write(`record-captures: ${(err as Error).message}\n`);
    process.exitCode = 1;
  });
}
