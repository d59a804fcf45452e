import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { parseTopology } from '../../src/core/topology.js';
import { createLabNetwork } from '../../src/engine/underlay.js';
import type { ExecResult } from '../../src/host/host.js';
import { execLocal, startLocal } from '../../src/host/spawn.js';
import { SEED } from './guest-tunnel.js';

const WATCH_PORT = 19478;
const PROM_PORT = 9090;

/** One instant query's answer: each series' labels and value. */
type Series = { metric: Record<string, string>; value: number };

export interface WatchScenario {
  readonly upCode: number | null;
  /** Prometheus' answers before the break (readiness: once the first check ended): both directions, the counters of foo4, readiness. */
  readonly before: { readonly up: Series[]; readonly rxPackets: Series[]; readonly ready: Series[]; readonly noroute: Series[] };
  readonly promtool: { readonly code: number | null; readonly out: string };
  /** watch's own /metrics, polled: the round count when the route was deleted and when A->B first read 0. */
  readonly roundsAtBreak: number;
  readonly roundsWhenDown: number;
  /** Seconds from the delete to watch's /metrics saying 0, and to Prometheus' query saying 0. */
  readonly watchDownAfterS: number;
  readonly promDownAfterS: number;
  /** Prometheus' answers after the break. */
  readonly after: { readonly up: Series[]; readonly cause: Series[]; readonly noroute: Series[] };
  readonly roundDurationS: number[];
  readonly watchExit: { readonly code: number | null; readonly signal: string | null; readonly stderr: string; readonly stdout: string };
  /** ping and tcpdump processes alive after watch exited (from /proc). */
  readonly leftBehind: string[];
  readonly netnsLeft: string;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function query(q: string): Promise<Series[]> {
  const res = await fetch(`http://127.0.0.1:${PROM_PORT}/api/v1/query?query=${encodeURIComponent(q)}`);
  const doc = (await res.json()) as { status: string; data?: { result: { metric: Record<string, string>; value: [number, string] }[] } };
  if (doc.status !== 'success') throw new Error(`prometheus query ${q}: ${JSON.stringify(doc)}`);
  return doc.data!.result.map((r) => ({ metric: r.metric, value: Number(r.value[1]) }));
}

/**
 * An instant query that has an answer: a scrape that timed out (1 s, on a loaded guest) marks the
 * series stale, and a query right then finds none.
 */
const answered = (q: string, n: number): Promise<Series[]> => until(`${n} series of ${q}`, 30_000, async () => {
  const s = await query(q);
  return s.length === n ? s : undefined;
});

/** Polls `probe` every 100 ms until it returns a value, for at most `ms`. */
async function until<T>(what: string, ms: number, probe: () => Promise<T | undefined>): Promise<T> {
  const end = performance.now() + ms;
  for (;;) {
    const v = await probe().catch(() => undefined);
    if (v !== undefined) return v;
    if (performance.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(100);
  }
}

const metric = (text: string, re: RegExp): number | undefined => {
  const m = re.exec(text);
  return m ? Number(m[1]) : undefined;
};

/** Every process whose command line is ping or tcpdump, as /proc shows it. */
async function pingsAndDumps(): Promise<string[]> {
  const out: string[] = [];
  for (const pid of (await readdir('/proc')).filter((p) => /^\d+$/.test(p))) {
    const cmd = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
    const argv = cmd.split('\0').filter(Boolean);
    if (argv.some((a) => /(^|\/)(ping|tcpdump)$/.test(a))) out.push(`${pid}: ${argv.join(' ')}`);
  }
  return out;
}

/**
 * Runs inside user-mode Linux: the seed set up by the real `up` in two namespaces, the real
 * `watch --interval 1` in the root namespace, a real Prometheus server scraping it every second;
 * then B's label route for 100 deleted; then watch stopped with SIGTERM.
 */
export async function watchScenario(input: { root: string }): Promise<WatchScenario> {
  const dir = await mkdtemp(join(tmpdir(), 'mplsgre-kw-'));
  const env = { MPLSGRE_STATE_DIR: join(dir, 'state') };
  const bin = join(input.root, 'bin', 'mplsgre.js');
  const sh = async (argv: string[]): Promise<ExecResult> => {
    const r = await execLocal(argv[0]!, argv.slice(1), { timeoutMs: 60_000 });
    if (r.failed) throw new Error(`${argv.join(' ')}: ${r.stderr.trim() || r.spawnError || r.exitCode}`);
    return r;
  };
  await sh(['modprobe', 'ipv6']);
  await sh(['ip', 'link', 'set', 'lo', 'up']);
  const net = await createLabNetwork(parseTopology(SEED));
  const [nsA, nsB] = [...net.namespaces.values()] as [string, string];
  const file = join(dir, 'seed.yaml');
  let watch: ReturnType<typeof startLocal> | undefined;
  let prom: ReturnType<typeof startLocal> | undefined;
  let result: Omit<WatchScenario, 'netnsLeft'>;
  try {
    await writeFile(file, SEED.replace(/target: local/, `target: netns:${nsA}`).replace(/target: local/, `target: netns:${nsB}`));
    const up = await execLocal(process.execPath, [bin, 'up', file], { timeoutMs: 300_000, env });
    if (up.exitCode !== 0) throw new Error(`up exited ${up.exitCode}: ${up.stderr.slice(-1500)}`);

    watch = startLocal(process.execPath, [bin, 'watch', file, '--listen', `127.0.0.1:${WATCH_PORT}`, '--interval', '1', '--check-interval', '5'], { timeoutMs: 600_000, env });
    const scrape = (): Promise<string> => fetch(`http://127.0.0.1:${WATCH_PORT}/metrics`).then((r) => r.text());
    const config = join(dir, 'prometheus.yml');
    await writeFile(config, [
      'global: { scrape_interval: 1s, scrape_timeout: 1s, evaluation_interval: 1s }',
      'scrape_configs:',
      `  - { job_name: mplsgre, static_configs: [ { targets: ['127.0.0.1:${WATCH_PORT}'] } ] }`,
      '',
    ].join('\n'));
    prom = startLocal('prometheus', [`--config.file=${config}`, `--storage.tsdb.path=${join(dir, 'tsdb')}`, `--web.listen-address=127.0.0.1:${PROM_PORT}`], { timeoutMs: 600_000 });
    await prom.waitForLine(/Server is ready to receive web requests/, 120_000);

    // Both directions up through Prometheus, with the kernel's counters of both tunnel devices.
    const upBoth = await until('both directions up in Prometheus', 120_000, async () => {
      const s = await query('mplsgre_direction_up');
      return s.length === 2 && s.every((x) => x.value === 1) ? s : undefined;
    });
    const rxPackets = await until('foo4 rx_packets of both hosts', 30_000, async () => {
      const s = await query('mplsgre_mpls_rx_packets_total{device="foo4"}');
      return s.length === 2 && s.every((x) => x.value > 0) ? s : undefined;
    });
    const noroute = await answered('mplsgre_mpls_rx_noroute_total{device="foo4"}', 2);
    const text = await scrape();
    const tool = await execLocal('promtool', ['check', 'metrics'], { timeoutMs: 60_000, input: text });

    // Break A->B: B no longer routes label 100.
    const roundsAtBreak = metric(await scrape(), /^mplsgre_rounds_total\{[^}]*\} (\d+)$/m) ?? -1;
    const t0 = performance.now();
    await sh(['ip', '-n', nsB, '-f', 'mpls', 'route', 'del', '100']);
    const [watchDown, promDown] = await Promise.all([
      until('A->B 0 on /metrics', 60_000, async () => {
        const t = await scrape();
        return metric(t, /^mplsgre_direction_up\{[^}]*from="A",to="B"[^}]*\} (\d)$/m) === 0
          ? { at: (performance.now() - t0) / 1000, rounds: metric(t, /^mplsgre_rounds_total\{[^}]*\} (\d+)$/m) ?? -1 }
          : undefined;
      }),
      until('A->B 0 in Prometheus', 60_000, async () => {
        const s = await query('mplsgre_direction_up{from="A",to="B"}');
        return s[0]?.value === 0 ? (performance.now() - t0) / 1000 : undefined;
      }),
    ]);
    const cause = await until('the cause of A->B in Prometheus', 30_000, async () => {
      const s = await query('mplsgre_direction_cause_info');
      return s.length ? s : undefined;
    });
    const afterUp = await answered('mplsgre_direction_up', 2);
    const afterNoroute = await answered('mplsgre_mpls_rx_noroute_total{device="foo4"}', 2);
    // Every round's duration Prometheus scraped over the run (a range query).
    const roundDurationS = await fetch(`http://127.0.0.1:${PROM_PORT}/api/v1/query?query=${encodeURIComponent('mplsgre_round_duration_seconds[5m]')}`)
      .then((r) => r.json() as Promise<{ data: { result: { values: [number, string][] }[] } }>)
      .then((d) => d.data.result[0]?.values.map((v) => Number(v[1])) ?? []);

    // check runs beside the rounds from the second on: its answer has come meanwhile, or comes now.
    // A check whose reads timed out on the loaded guest says 0: the next, 5 s on, asks again.
    const ready = await until('both hosts ready', 120_000, async () => {
      const s = await query('mplsgre_ready');
      return s.length === 2 && s.every((x) => x.value === 1) ? s : undefined;
    }).catch(async () => query('mplsgre_ready'));

    // SIGTERM while rounds run back to back: the round in flight is aborted.
    const exit = await watch.stop('SIGTERM');
    watch = undefined;
    const leftBehind = await pingsAndDumps();
    result = {
      upCode: up.exitCode,
      before: { up: upBoth, rxPackets, ready, noroute },
      promtool: { code: tool.exitCode, out: `${tool.stdout}${tool.stderr}` },
      roundsAtBreak, roundsWhenDown: watchDown.rounds,
      watchDownAfterS: watchDown.at, promDownAfterS: promDown,
      after: { up: afterUp, cause, noroute: afterNoroute },
      roundDurationS,
      watchExit: { code: exit.exitCode, signal: exit.signal, stderr: exit.stderr.slice(-3000), stdout: exit.stdout.slice(-3000) },
      leftBehind,
    };
  } finally {
    if (watch) await watch.stop('SIGKILL').catch(() => undefined);
    if (prom) await prom.stop('SIGTERM').catch(() => undefined);
    await execLocal(process.execPath, [bin, 'down', file], { timeoutMs: 300_000, env }).catch(() => undefined);
    await net.destroy();
    await rm(dir, { recursive: true, force: true });
  }
  const left = await execLocal('ip', ['netns', 'list'], { timeoutMs: 10_000 });
  return { ...result, netnsLeft: left.stdout.trim() };
}
