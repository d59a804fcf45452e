/**
 * The parsers of untrusted input on adversarial input of growing size: each input at size n and
 * 8n in the same run. Linear cost gives a time ratio near 8; quadratic backtracking would give ~64.
 * (Tests may not assert timings; test/hardening/regex-audit.test.ts checks the regex shapes.)
 *   node dist/bench/run.js parsers
 */
import { Bench } from 'tinybench';
import { decodeBuffer, parseTcpdumpText } from '../src/capture/index.js';
import { isInEffect } from '../src/core/plan-check.js';
import { pushedLabelsOf } from '../src/probes/cause-facts.js';
import { parseLinks } from '../src/diagnose/tunnels.js';
import { parseKernelConfig } from '../src/probes/kernel.js';

const N = 20_000;

/** A pcap of `n` empty records: the most records per byte. */
function emptyRecords(n: number): Buffer {
  const head = Buffer.from('d4c3b2a1020004000000000000000000ffff000001000000', 'hex');
  return Buffer.concat([head, Buffer.alloc(16 * n)]);
}

const CASES: { name: string; input: (n: number) => unknown; run: (x: never) => unknown }[] = [
  { name: 'tcpdump text: one line of n MPLS entries', input: (n) => `00:00:00.000000 IP 1.1.1.1 > 2.2.2.2: GREv0, length 1: MPLS ${'(label 100, tc 0, ttl 64) '.repeat(n / 25)}`, run: (s: string) => parseTcpdumpText(s) },
  { name: 'tcpdump text: n digits, no spaces (sniff regex)', input: (n) => '1'.repeat(n), run: (s: string) => parseTcpdumpText(s) },
  { name: 'tcpdump text: n lines "N packets captured"', input: (n) => '1 packets captured\n'.repeat(n / 19), run: (s: string) => parseTcpdumpText(s) },
  { name: 'pcap: n/16 empty records', input: (n) => emptyRecords(n / 16), run: (b: Buffer) => decodeBuffer(b) },
  { name: 'ip -j: n-deep nesting, parseLinks', input: (n) => '['.repeat(n / 2) + ']'.repeat(n / 2), run: (s: string) => parseLinks(s) },
  { name: 'ip -j: n-deep nesting, isInEffect', input: (n) => '['.repeat(n / 2) + ']'.repeat(n / 2), run: (s: string) => isInEffect({ kind: 'exec', argv: [], inEffectWhen: { kind: 'json-includes', value: { ifname: 'x' } } }, { exitCode: 0, stdout: s }) },
  { name: 'ip route: "encap mpls" then n spaces', input: (n) => `encap mpls${' '.repeat(n)}x`, run: (s: string) => pushedLabelsOf(s) },
  { name: 'kernel config: CONFIG_MPLS=" and n quotes', input: (n) => Buffer.from(`CONFIG_MPLS="${'"'.repeat(n)}x\n`), run: (b: Buffer) => parseKernelConfig(b)?.get('CONFIG_MPLS') },
];

export async function run(): Promise<void> {
  console.log(`== parsers.bench: adversarial input at ${N} and ${8 * N} bytes (linear: ratio ~8; quadratic: ~64)`);
  const bench = new Bench({ name: 'parsers', time: 300, warmupTime: 50, throws: true });
  for (const c of CASES) {
    for (const size of [N, 8 * N]) {
      const input = c.input(size) as never;
      bench.add(`${c.name} @${size}`, () => void c.run(input));
    }
  }
  await bench.run();
  const median = (name: string): number => bench.tasks.find((t) => t.name === name)?.result?.latency.p50 ?? Number.NaN;
  for (const c of CASES) {
    const small = median(`${c.name} @${N}`);
    const large = median(`${c.name} @${8 * N}`);
    console.log(`${c.name.padEnd(52)} ${small.toFixed(3).padStart(9)} ms  ${large.toFixed(3).padStart(9)} ms  ratio ${(large / small).toFixed(1)}`);
  }
}
