import { expect } from 'chai';
import { getEventListeners } from 'node:events';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { watchLoop } from '../../src/commands/watch.js';
import { parseTopology } from '../../src/core/topology.js';
import type { WatchSnapshot } from '../../src/core/watch-state.js';
import type { ExecOptions, ExecResult, Host } from '../../src/host/host.js';
import { COUNTERS_ARGV, parseMplsStats, type CounterName } from '../../src/probes/mpls-counters.js';
import { loadCounters } from '../support/fixtures.js';

const TOPO = parseTopology(`tunnel: { name: foo4, overlay: 10.199.0.0/24 }
hosts:
  A: { target: netns:A, underlay: 10.128.0.2, overlay: 10.199.0.1, label: 100 }
  B: { target: netns:B, underlay: 10.128.100.2, overlay: 10.199.0.2, label: 101 }
`);

/**
 * The recorded counters of a crossing round on `end` (before, after), continued: read `n` is the
 * recorded `before` plus n times what the recorded pings moved, as \`ip -j stats\` prints it.
 */
function countersAfter(end: 'A' | 'B', n: number): string {
  const fx = loadCounters('seed-crossing').hosts[end]!;
  const [before, after] = [parseMplsStats(fx.before), parseMplsStats(fx.after)];
  return JSON.stringify(before.map((d) => {
    const a = after.find((x) => x.ifname === d.ifname)!.counters;
    const c = (k: CounterName): number => d.counters[k] + n * (a[k] - d.counters[k]);
    return {
      ifname: d.ifname, group: 'afstats', subgroup: 'mpls',
      mpls_stats: {
        rx: { bytes: c('rx_bytes'), packets: c('rx_packets'), errors: c('rx_errors'), dropped: c('rx_dropped'), noroute: c('rx_noroute') },
        tx: { bytes: c('tx_bytes'), packets: c('tx_packets'), errors: c('tx_errors'), dropped: c('tx_dropped') },
      },
    };
  }));
}

/**
 * A mock end: `ip -j stats ...` answers the recorded counters of crossing rounds, ping answers every request; `hang` makes ping wait for its abort signal.
 */
class FakeEnd implements Host {
  readonly calls: string[] = [];
  aborted = 0;
  hang = false;
  private reads = 0;
  constructor(readonly name: string, private readonly key: 'A' | 'B') {}

  async exec(file: string, args: readonly string[], opts: ExecOptions = {}): Promise<ExecResult> {
    const base = { argv: [file, ...args], exitCode: 0, signal: null, stderr: '', failed: false, timedOut: false, durationMs: 1 };
    if (file === 'ip' && args.join(' ') === COUNTERS_ARGV.join(' ')) return { ...base, stdout: countersAfter(this.key, this.reads++) };
    if (file === 'ping') {
      this.calls.push('ping');
      if (this.hang) {
        await new Promise<void>((resolve) => opts.signal?.addEventListener('abort', () => resolve(), { once: true }));
        this.aborted++;
        return { ...base, exitCode: null, signal: 'SIGTERM', failed: true, stdout: '' };
      }
      return { ...base, stdout: '\n--- x ping statistics ---\n3 packets transmitted, 3 received, 0% packet loss, time 4ms\nrtt min/avg/max/mdev = 0.100/0.200/0.300/0.050 ms\n' };
    }
    throw new Error(`unexpected command ${file} ${args.join(' ')}`);
  }

  async readFiles(): Promise<never[]> {
    return [];
  }

  start(): never {
    throw new Error('watch starts no background process');
  }
}

const ends = (): Map<string, FakeEnd> => new Map([['A', new FakeEnd('netns:A', 'A')], ['B', new FakeEnd('netns:B', 'B')]]);

function gc(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

/** How many values the snapshot holds (objects, arrays and their members, counted), whatever the numbers are. */
function size(x: unknown): number {
  if (Array.isArray(x)) return 1 + x.reduce((n: number, v) => n + size(v), 0);
  if (x !== null && typeof x === 'object') return 1 + Object.values(x).reduce((n: number, v) => n + size(v), 0);
  return 1;
}

describe('watch: the loop over a mock Host', () => {
  it('thousands of rounds at a short interval: the snapshot, the abort listeners and the heap stay bounded', async function () {
    this.timeout(120_000);
    const hosts = ends();
    const controller = new AbortController();
    const sizes: number[] = [];
    const heap: number[] = [];
    let checks = 0;
    const opts = {
      intervalS: 0.0001, checkIntervalS: 0.05, signal: controller.signal,
      ready: async () => (checks++, { ready: true, failed: [] }),
      onSnapshot: (s: WatchSnapshot) => {
        if (s.rounds % 500 === 0) {
          sizes.push(size(s));
          gc();
          heap.push(process.memoryUsage().heapUsed);
        }
      },
    };
    const last = await watchLoop(TOPO, hosts, { ...opts, maxRounds: 4_000 });
    expect(last.rounds).to.equal(4_000);
    expect(last.directions.map((d) => [d.from, d.to, d.up])).to.deep.equal([['A', 'B', true], ['B', 'A', true]]);
    expect(checks, 'check runs on its own cadence, not every round').to.be.greaterThan(1).and.lessThan(4_000);
    expect(new Set(sizes).size, `snapshot sizes ${sizes.join(', ')}`).to.equal(1);
    expect(getEventListeners(controller.signal, 'abort'), 'abort listeners left on the signal').to.have.length(0);
    // The first samples carry the warm-up (JIT, caches): growth is judged from the second on.
    const growth = heap.at(-1)! - heap[1]!;
    console.log(`      heap used after GC every 500 rounds (MB): ${heap.map((h) => (h / 1e6).toFixed(2)).join(' ')}`);
    expect(growth, `heap used every 500 rounds: ${heap.map((h) => (h / 1e6).toFixed(1)).join(', ')} MB`).to.be.lessThan(2e6);
  });

  it('an abort mid-round stops the pings in flight and the loop returns', async () => {
    const hosts = ends();
    for (const h of hosts.values()) h.hang = true;
    const controller = new AbortController();
    const done = watchLoop(TOPO, hosts, { intervalS: 1, checkIntervalS: 60, signal: controller.signal, ready: async () => ({ ready: true, failed: [] }), onSnapshot: () => undefined });
    while ([...hosts.values()].some((h) => h.calls.length === 0)) await new Promise((r) => setTimeout(r, 5));
    controller.abort();
    const last = await done;
    expect(last.rounds, 'the aborted round is not published').to.equal(0);
    expect([...hosts.values()].map((h) => h.aborted)).to.deep.equal([1, 1]);
  });
});
