import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { decodeFile } from '../capture/index.js';
import type { PacketRecord } from '../capture/record.js';
import { startSniffer, type Sniffer } from '../capture/sniffer.js';
import { parsePing, type PingSummary } from '../core/ping.js';
import type { HostSpec, Topology } from '../core/topology.js';
import { rootCause, type PathFacts, type RootCause, type Stage } from '../core/root-cause.js';
import { countEcho, greByDestination, judgeDirection, labelsOf } from '../core/verdict.js';
import { pathFacts } from './path-facts.js';
import type { Host } from '../host/host.js';
import { runtimeDir } from '../host/runtime-dir.js';

export interface MtuResult {
  /** Largest ICMP payload that crossed with DF set, among the sizes tried. */
  readonly largestPayload: number | null;
  /** Smallest size tried that did not cross. */
  readonly firstFailing: number | null;
  /** payload + ICMP 8 + IP 20 + one label 4: the packet size inside the tunnel. */
  readonly largestTunnelPacket: number | null;
  readonly tunnelMtu: number | null;
  /** The payload the tunnel MTU says must cross: MTU - 4 (label) - 20 (IP) - 8 (ICMP). */
  readonly predicted: number;
  readonly tried: readonly { payload: number; crossed: boolean }[];
}

export interface DirectionResult {
  readonly from: string;
  readonly to: string;
  readonly label: number;
  readonly sent: number;
  readonly received: number;
  readonly labelsSeen: readonly number[];
  readonly requestLabels: Readonly<Record<string, number>>;
  readonly onWireInGre: number;
  readonly repliesInGre: number;
  readonly rttMs?: { min: number; avg: number; max: number };
  readonly mtu?: MtuResult;
  readonly ok: boolean;
  /** Where the packets were last seen, when the direction failed. */
  readonly stage: Stage | null;
  /** The stable cause id (as `diagnose` uses), or null when the evidence names none. */
  readonly cause: string | null;
  readonly explanation: string;
  /** The diagnosis behind `cause`: confidence, what the hosts said, the fix. */
  readonly rootCause?: RootCause;
}

export interface VerifyResult {
  readonly ok: boolean;
  readonly tunnel: string;
  readonly count: number;
  readonly directions: readonly DirectionResult[];
  readonly captures: readonly { host: string; iface: string; captured?: number; droppedByKernel?: number }[];
  readonly durationMs: number;
}

export interface VerifyOptions {
  readonly count: number;
  /** Seconds between pings; root may go down to 0.002. */
  readonly interval: number;
  readonly mtu: boolean;
  readonly log?: (line: string) => void;
  /** Aborted (Ctrl-C, SIGTERM): pings stop, captures stop and are removed, and verify throws the reason. */
  readonly signal?: AbortSignal;
}

async function ping(host: Host, from: HostSpec, to: HostSpec, count: number, interval: number, signal: AbortSignal | undefined): Promise<{ summary: PingSummary | undefined; stderr: string }> {
  const deadline = Math.ceil(count * interval + 2);
  const r = await host.exec('ping', ['-n', '-q', '-c', String(count), '-i', String(interval), '-W', '1', '-w', String(deadline), '-I', from.overlay, to.overlay], { timeoutMs: (deadline + 5) * 1000, ...(signal ? { signal } : {}) });
  return { summary: parsePing(r.stdout), stderr: r.stderr.trim() };
}

async function readAll(file: string): Promise<PacketRecord[]> {
  const out: PacketRecord[] = [];
  for await (const batch of (await decodeFile(file)).batches()) out.push(...batch);
  return out;
}

/** Polls a capture until it holds `want` matching packets or `boundMs` passes: no fixed sleep. */
async function settle(file: string, want: number, match: (rs: PacketRecord[]) => number, boundMs: number): Promise<void> {
  const until = performance.now() + boundMs;
  for (;;) {
    const have = await readAll(file).then(match, () => 0);
    if (have >= want || performance.now() > until) return;
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** One echo with DF set and a short wait: the path's RTT is far below it, and a dropped probe must not stall verify. */
async function probePing(host: Host, from: HostSpec, to: HostSpec, payload: number): Promise<boolean> {
  const r = await host.exec('ping', ['-n', '-q', '-c', '1', '-W', '0.5', '-M', 'do', '-s', String(payload), '-I', from.overlay, to.overlay], { timeoutMs: 5_000 });
  return (parsePing(r.stdout)?.received ?? 0) > 0;
}

/** MTU probe: sizes around the one the tunnel MTU predicts, sent with DF, all at once. */
async function probeMtu(host: Host, from: HostSpec, to: HostSpec, iface: string): Promise<MtuResult> {
  const [m] = await host.readFiles([`/sys/class/net/${iface}/mtu`]);
  const tunnelMtu = m?.ok ? Number(m.data.toString().trim()) : null;
  const predicted = tunnelMtu ? tunnelMtu - 4 - 20 - 8 : 1400;
  const probe = async (payload: number): Promise<{ payload: number; crossed: boolean }> => {
    const r = await probePing(host, from, to, payload);
    return { payload, crossed: r };
  };
  // The boundary the MTU predicts, proven from both sides; wider sizes only if it is not there.
  let tried = await Promise.all([predicted, predicted + 1].filter((x) => x > 0).map(probe));
  if (!tried[0]?.crossed) tried = [...tried, ...(await Promise.all([56, 512, 1000, predicted - 4].filter((x) => x > 0 && x < predicted).map(probe)))];
  tried.sort((x, y) => x.payload - y.payload);
  const crossed = tried.filter((t) => t.crossed).map((t) => t.payload);
  const largest = crossed.length ? Math.max(...crossed) : null;
  const failing = tried.find((t) => !t.crossed && (largest === null || t.payload > largest))?.payload ?? null;
  return { largestPayload: largest, firstFailing: failing, largestTunnelPacket: largest === null ? null : largest + 8 + 20 + 4, tunnelMtu, predicted, tried };
}

/**
 * `verify`: captures on both tunnels and both underlays, pings each way, and proves from the
 * captures that each direction carried its label inside GRE and came back with the peer's.
 */
export async function verifyTopology(topo: Topology, hosts: ReadonlyMap<string, Host>, opts: VerifyOptions): Promise<VerifyResult> {
  const started = performance.now();
  const [a, b] = topo.hosts;
  const hostOf = (h: HostSpec): Host => hosts.get(h.name)!;
  const dir = await mkdtemp(join(runtimeDir(), 'mplsgre-verify-'));
  const sniffers: { host: string; s: Sniffer }[] = [];
  try {
    // One capture per host on every interface: the tunnel's packets (bare MPLS) and the
    // underlay's (GRE to or from the peer) are told apart by their headers, and each host
    // costs one tcpdump instead of two.
    const asRoot = process.getuid?.() === 0 ? ['-Z', 'root'] : [];
    const file = (h: HostSpec): string => join(dir, `${h.name}.pcap`);
    await Promise.all([[a, b], [b, a]].map(async ([h, peer]) => {
      // libpcap's `mpls` primitive refuses cooked captures; the protocol field says the same.
      // Every GRE packet, not only the peer's: a tunnel sending to the wrong endpoint must show.
      const filter = [peer!.underlay.includes(':') ? 'ip6' : 'ip', 'proto', '47', 'or', 'ether', 'proto', '0x8847'];
      const s = await startSniffer(hostOf(h!), 'any', file(h!), [...asRoot, '-y', 'LINUX_SLL', ...filter]);
      sniffers.push({ host: h!.name, s });
    }));
    const interrupted = (): void => {
      if (opts.signal?.aborted) throw opts.signal.reason instanceof Error ? opts.signal.reason : new Error('interrupted');
    };
    interrupted();
    opts.log?.(`capturing on ${sniffers.map((x) => `${x.host}:${x.s.iface}`).join(', ')}`);
    const pings = await Promise.all([[a, b], [b, a]].map(([from, to]) => ping(hostOf(from!), from!, to!, opts.count, opts.interval, opts.signal)));
    interrupted();
    const inGre = (rs: PacketRecord[]): PacketRecord[] => rs.filter((r) => r.gre);
    // Every reply ping counted has passed every capture point: wait until the files hold them.
    await Promise.all([[a, b], [b, a]].map(async ([from, to], i) => {
      const want = pings[i]!.summary?.received ?? 0;
      await settle(file(to!), want, (rs) => countEcho(inGre(rs), { src: from!.overlay, dst: to!.overlay, type: 'request' }), 1_000);
      await settle(file(from!), want, (rs) => countEcho(inGre(rs), { src: to!.overlay, dst: from!.overlay, type: 'reply' }), 1_000);
    }));
    interrupted();
    const stopped = await Promise.all(sniffers.map(async (x) => ({ host: x.host, ...(await x.s.stop()) })));
    const [mtus, captured] = await Promise.all([
      opts.mtu ? Promise.all([[a, b], [b, a]].map(([from, to]) => probeMtu(hostOf(from!), from!, to!, topo.tunnel.name))) : Promise.resolve([]),
      Promise.all([a, b].map(async (h) => [h.name, await readAll(file(h))] as const)),
    ]);
    interrupted();
    const records = new Map(captured);
    const judged = ([[a, b], [b, a]] as const).map(([from, to], i) => {
      const p = pings[i]!;
      const rec = (h: HostSpec, role: 'tunnel' | 'underlay'): PacketRecord[] => (records.get(h.name) ?? []).filter((r) => (role === 'underlay') === Boolean(r.gre));
      const requestLabels = labelsOf(rec(from, 'tunnel'), from.overlay, to.overlay);
      const evidence = {
        from: from.name, to: to.name, label: from.label, replyLabel: to.label,
        sent: p.summary?.transmitted ?? 0, received: p.summary?.received ?? 0,
        requestLabels,
        onWireInGre: countEcho(rec(to, 'underlay'), { src: from.overlay, dst: to.overlay, type: 'request', label: from.label, inGre: true }),
        repliesInGre: countEcho(rec(from, 'underlay'), { src: to.overlay, dst: from.overlay, type: 'reply', label: to.label, inGre: true }),
        arrivedAtPeer: countEcho(rec(to, 'tunnel'), { src: from.overlay, dst: to.overlay, type: 'request' }),
        greOut: greByDestination(rec(from, 'underlay'), from.overlay, to.overlay, 'request'),
        receiverUnderlay: to.underlay,
        repliesLeftPeer: Object.values(greByDestination(rec(to, 'underlay'), to.overlay, from.overlay, 'reply')).reduce((x, y) => x + y, 0),
      };
      const v = judgeDirection(evidence);
      const mtu = mtus[i];
      // Small packets cross but the size the tunnel MTU admits does not: a black hole on the path.
      const mtuStage = v.ok && mtu && mtu.tried.some((t) => t.payload === mtu.predicted && !t.crossed);
      const stage: Stage | null = mtuStage ? 'mtu' : v.stage;
      const leg = mtuStage ? 'request' : v.leg;
      return { from, to, p, v: { ...v, ok: v.ok && !mtuStage, stage, leg }, evidence, requestLabels, mtu };
    });
    // Only a failed direction costs the reads that explain it: each end's settings, once.
    const failing = judged.filter((j) => !j.v.ok);
    const facts = new Map<string, PathFacts>();
    if (failing.length) {
      await Promise.all([a, b].map(async (h) => facts.set(h.name, await pathFacts(hostOf(h), h.name, topo.tunnel.name, topo.tunnel.overlay))));
    }
    const directions = judged.map(({ from, to, p, v, evidence, requestLabels, mtu }): DirectionResult => {
      const [snd, rcv] = v.leg === 'reply' ? [to, from] : [from, to];
      const rc = !v.ok && v.stage
        ? rootCause(v.stage, {
          label: snd.label, sender: facts.get(snd.name)!, receiver: facts.get(rcv.name)!,
          senderUnderlay: snd.underlay, receiverUnderlay: rcv.underlay, overlayPrefix: topo.tunnel.overlay,
          greDestinations: Object.keys(evidence.greOut).filter((d) => d !== to.underlay),
        })
        : undefined;
      return {
        from: from.name, to: to.name, label: from.label, sent: evidence.sent, received: evidence.received,
        labelsSeen: Object.keys(requestLabels).filter((k) => k !== 'none').map((k) => Number(k.split('/')[0])),
        requestLabels, onWireInGre: evidence.onWireInGre, repliesInGre: evidence.repliesInGre,
        ...(p.summary?.rttMs ? { rttMs: p.summary.rttMs } : {}),
        ...(mtu ? { mtu } : {}),
        ok: v.ok, stage: v.stage, cause: rc?.id ?? null,
        explanation: (v.stage === 'mtu' ? `payload ${mtu!.predicted} fits the tunnel MTU ${mtu!.tunnelMtu} but does not cross (largest that does: ${mtu!.largestPayload ?? 'none'})` : v.explanation) + (p.summary ? '' : ` (ping: ${p.stderr || 'no summary'})`),
        ...(rc ? { rootCause: rc } : {}),
      };
    });
    return {
      ok: directions.every((d) => d.ok), tunnel: topo.tunnel.name, count: opts.count, directions,
      captures: stopped.map((s) => ({ host: s.host, iface: s.iface, ...(s.captured !== undefined ? { captured: s.captured } : {}), ...(s.droppedByKernel !== undefined ? { droppedByKernel: s.droppedByKernel } : {}) })),
      durationMs: Math.round(performance.now() - started),
    };
  } finally {
    await Promise.all(sniffers.map((x) => x.s.stop().catch(() => undefined)));
    await rm(dir, { recursive: true, force: true });
  }
}
