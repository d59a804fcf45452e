import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { CaptureTail, decodeBuffer } from '../capture/index.js';
import type { PacketRecord } from '../capture/record.js';
import { startSniffer, type Sniffer } from '../capture/sniffer.js';
import { parsePing, type PingSummary } from '../core/ping.js';
import type { HostSpec, Topology } from '../core/topology.js';
import { rootCause, type PathFacts, type RootCause, type Stage } from '../core/root-cause.js';
import { countEcho, greByDestination, judgeDirection, labelsOf } from '../core/verdict.js';
import { EchoTally } from './echo-tally.js';
import { pathFacts } from './path-facts.js';
import { readTunnelPresence } from './tunnel-presence.js';
import { presenceCause } from '../core/tunnel-presence.js';
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
  /** Per host: tcpdump's own counts, and the packets decoded from its file (equal to `captured` when nothing was lost). */
  readonly captures: readonly { host: string; iface: string; captured?: number; droppedByKernel?: number; decoded: number }[];
  /** What verify did not run, and why (a tunnel that is not configured, a direction where nothing crossed). */
  readonly skipped: readonly { readonly what: 'captures' | 'pings' | 'mtu'; readonly direction?: string; readonly reason: string }[];
  readonly durationMs: number;
}

export interface VerifyOptions {
  readonly count: number;
  /** Seconds between pings; below 0.002 only as root (iputils); 0: the next as soon as a reply is in. */
  readonly interval: number;
  readonly mtu: boolean;
  readonly log?: (line: string) => void;
  /** Aborted (Ctrl-C, SIGTERM): pings stop, captures stop and are removed, and verify throws the reason. */
  readonly signal?: AbortSignal;
  /** The command that configures the tunnel, named as the fix when it is not configured (default `mplsgre up FILE`). */
  readonly upCommand?: string;
}

async function ping(host: Host, from: HostSpec, to: HostSpec, count: number, interval: number, signal: AbortSignal | undefined): Promise<{ summary: PingSummary | undefined; stderr: string }> {
  // No -w deadline: it cut runs short where timers are coarse (user-mode Linux sent 3,408 of
  // 10,000 at -i 0.002 within count x interval + 2 s). ping sends every request and then waits
  // -W for the last replies; -i 0 paces at 10 ms when no reply comes. The timeout is a backstop.
  const backstopS = Math.ceil(count * Math.max(interval, 0.01) * 4 + 10);
  const r = await host.exec('ping', ['-n', '-q', '-c', String(count), '-i', String(interval), '-W', '1', '-I', from.overlay, to.overlay], { timeoutMs: backstopS * 1000, ...(signal ? { signal } : {}) });
  return { summary: parsePing(r.stdout), stderr: r.stderr.trim() };
}

/**
 * tcpdump's kernel buffer (-B, KiB) for `count` pings each way: room for every packet of the run
 * (8 per ping pair on each host, under 512 bytes each in the ring at snap length 262), so a
 * tcpdump slower than the pings (one write per packet, as on user-mode Linux at -i 0) falls
 * behind instead of losing packets. libpcap's default of 2 MiB at least; 64 MiB at most.
 */
export function captureBufferKib(count: number): number {
  return Math.min(65_536, Math.max(2_048, 4 * count));
}

/** One host's capture file as tcpdump writes it, and the tally of its echo packets. */
interface WatchedCapture {
  /** Where tcpdump writes it, on the host that runs tcpdump. */
  readonly file: string;
  readonly tally: EchoTally;
  /** Decodes what was written since the last poll, returns how many records; `final` once tcpdump has stopped. */
  poll(final?: boolean): Promise<number>;
  close(): Promise<void>;
}

/** A capture on this machine's files (local and netns hosts): each poll decodes only new bytes. */
class LocalCapture implements WatchedCapture {
  readonly tally = new EchoTally();
  private readonly tail: CaptureTail;

  constructor(readonly file: string) {
    this.tail = new CaptureTail(file);
  }

  poll(final = false): Promise<number> {
    return this.tail.poll((r) => this.tally.add(r), final);
  }

  close(): Promise<void> {
    return this.tail.close();
  }
}

/**
 * A capture on a remote host, in a private directory made for it (removed on close): each poll
 * reads the file through the host (binary-safe over ssh) and tallies it afresh, so a record the
 * writer had cut short is counted once it is whole, and none twice.
 */
class RemoteCapture implements WatchedCapture {
  tally = new EchoTally();

  private constructor(private readonly host: Host, readonly dir: string, readonly file: string) {}

  static async create(host: Host, name: string): Promise<RemoteCapture> {
    const r = await host.exec('mktemp', ['-d', '/tmp/mplsgre-verify-XXXXXX'], { timeoutMs: 10_000 });
    const dir = r.stdout.trim();
    if (r.failed || !dir.startsWith('/tmp/mplsgre-verify-')) throw new Error(`${host.name}: cannot create a capture directory: ${r.stderr.trim() || `exit ${r.exitCode}`}`);
    return new RemoteCapture(host, dir, join(dir, `${name}.pcap`));
  }

  async poll(final = false): Promise<number> {
    const [f] = await this.host.readFiles([this.file]);
    if (!f?.ok) {
      if (!final && f?.error === 'ENOENT') return 0;
      throw new Error(`${this.host.name}: cannot read ${this.file}: ${f?.error ?? 'no answer'}`);
    }
    const before = this.tally.decoded;
    const tally = new EchoTally();
    for (const rec of decodeBuffer(f.data)) if (final || !rec.error) tally.add(rec);
    this.tally = tally;
    return Math.max(0, tally.decoded - before);
  }

  async close(): Promise<void> {
    await this.host.exec('rm', ['-rf', '--', this.dir], { timeoutMs: 10_000 });
  }
}

/**
 * Reads the captures as they grow until `done` says they hold what ping counted, or until no
 * new packet has come for `quietMs`: no fixed sleep, and each poll decodes only new bytes.
 */
async function settle(captures: readonly WatchedCapture[], done: () => boolean, quietMs: number): Promise<void> {
  let lastNews = performance.now();
  for (;;) {
    const news = await Promise.all(captures.map((c) => c.poll().catch(() => 0)));
    if (done()) return;
    if (news.some((n) => n > 0)) lastNews = performance.now();
    else if (performance.now() - lastNews > quietMs) return;
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
  const upFix = opts.upCommand ?? 'mplsgre up FILE';
  // Each end's tunnel, address and route first: on a tunnel that is not there no packet can
  // mean anything, and the hosts' own state names the cause with certainty.
  const presence = await Promise.all([a, b].map((h) => readTunnelPresence(hostOf(h), h.name, topo.tunnel.name, h.overlay, topo.tunnel.overlay)));
  const absent = presence.map((p) => (p ? presenceCause(p, upFix) : undefined));
  if (absent.some(Boolean)) return unconfigured(topo, absent, opts.count, started);
  const dir = await mkdtemp(join(runtimeDir(), 'mplsgre-verify-'));
  const sniffers: { host: string; s: Sniffer }[] = [];
  const watched = new Map<string, WatchedCapture>();
  try {
    // One capture per host on every interface: the tunnel's packets (bare MPLS) and the
    // underlay's (GRE to or from the peer) are told apart by their headers, and each host
    // costs one tcpdump instead of two.
    const asRoot = process.getuid?.() === 0 ? ['-Z', 'root'] : [];
    await Promise.all([a, b].map(async (h) => {
      watched.set(h.name, hostOf(h).remote ? await RemoteCapture.create(hostOf(h), h.name) : new LocalCapture(join(dir, `${h.name}.pcap`)));
    }));
    const file = (h: HostSpec): string => watched.get(h.name)!.file;
    const tally = (h: HostSpec): EchoTally => watched.get(h.name)!.tally;
    await Promise.all([[a, b], [b, a]].map(async ([h, peer]) => {
      // libpcap's `mpls` primitive refuses cooked captures; the protocol field says the same.
      // Every GRE packet, not only the peer's: a tunnel sending to the wrong endpoint must show.
      const filter = [peer!.underlay.includes(':') ? 'ip6' : 'ip', 'proto', '47', 'or', 'ether', 'proto', '0x8847'];
      const s = await startSniffer(hostOf(h!), 'any', file(h!), [...asRoot, '-B', String(captureBufferKib(opts.count)), '-y', 'LINUX_SLL', ...filter]);
      sniffers.push({ host: h!.name, s });
    }));
    const interrupted = (): void => {
      if (opts.signal?.aborted) throw opts.signal.reason instanceof Error ? opts.signal.reason : new Error('interrupted');
    };
    interrupted();
    opts.log?.(`capturing on ${sniffers.map((x) => `${x.host}:${x.s.iface}`).join(', ')}`);
    const pings = await Promise.all([[a, b], [b, a]].map(([from, to]) => ping(hostOf(from!), from!, to!, opts.count, opts.interval, opts.signal)));
    interrupted();
    const inGre = (r: PacketRecord): boolean => r.gre !== undefined;
    // Every reply ping counted has passed every capture point: wait until the files hold them.
    const arrived = (): boolean => ([[a, b], [b, a]] as const).every(([from, to], i) => {
      const want = pings[i]!.summary?.received ?? 0;
      return countEcho(tally(to).records(inGre), { src: from.overlay, dst: to.overlay, type: 'request' }) >= want &&
        countEcho(tally(from).records(inGre), { src: to.overlay, dst: from.overlay, type: 'reply' }) >= want;
    });
    await settle([...watched.values()], arrived, 1_000);
    interrupted();
    const stopped = await Promise.all(sniffers.map(async (x) => ({ host: x.host, ...(await x.s.stop()) })));
    // A probe means something only where the pings crossed: elsewhere its sizes would all fail.
    const crossed = pings.map((p) => (p.summary?.received ?? 0) > 0);
    const [mtus] = await Promise.all([
      opts.mtu ? Promise.all([[a, b], [b, a]].map(([from, to], i) => (crossed[i] ? probeMtu(hostOf(from!), from!, to!, topo.tunnel.name) : undefined))) : Promise.resolve([]),
      Promise.all([...watched.values()].map((c) => c.poll(true))),
    ]);
    interrupted();
    const judged = ([[a, b], [b, a]] as const).map(([from, to], i) => {
      const p = pings[i]!;
      const rec = (h: HostSpec, role: 'tunnel' | 'underlay'): Iterable<PacketRecord> => tally(h).records((r) => (role === 'underlay') === inGre(r));
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
      captures: stopped.map((s) => ({
        host: s.host, iface: s.iface,
        ...(s.captured !== undefined ? { captured: s.captured } : {}),
        ...(s.droppedByKernel !== undefined ? { droppedByKernel: s.droppedByKernel } : {}),
        decoded: watched.get(s.host)!.tally.decoded,
      })),
      skipped: opts.mtu ? ([[a, b], [b, a]] as const).flatMap(([from, to], i) => (crossed[i] ? [] : [{ what: 'mtu' as const, direction: `${from.name}->${to.name}`, reason: 'no echo request crossed: a size probe could not tell the MTU' }])) : [],
      durationMs: Math.round(performance.now() - started),
    };
  } finally {
    await Promise.all(sniffers.map((x) => x.s.stop().catch(() => undefined)));
    await Promise.all([...watched.values()].map((c) => c.close().catch(() => undefined)));
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * The result when an end's tunnel is not configured: each direction names the cause at its
 * sender (else at its receiver), and no capture, ping or MTU probe runs.
 */
function unconfigured(topo: Topology, causes: readonly (RootCause | undefined)[], count: number, started: number): VerifyResult {
  const [a, b] = topo.hosts;
  const at = (first: 0 | 1): { host: HostSpec; rc: RootCause } => {
    const i = causes[first] ? first : 1 - first;
    return { host: topo.hosts[i]!, rc: causes[i]! };
  };
  const directions = ([[a, b, at(0)], [b, a, at(1)]] as const).map(([from, to, { host, rc }]): DirectionResult => ({
    from: from.name, to: to.name, label: from.label, sent: 0, received: 0, labelsSeen: [], requestLabels: {}, onWireInGre: 0, repliesInGre: 0,
    ok: false, stage: 'not_configured', cause: rc.id, explanation: `nothing sent: the tunnel is not configured on ${host.name}`, rootCause: rc,
  }));
  const where = [a, b].filter((_, i) => causes[i]).map((h) => h.name).join(' and ');
  const reason = `the tunnel is not configured on ${where}: nothing can cross it`;
  return {
    ok: false, tunnel: topo.tunnel.name, count, directions, captures: [],
    skipped: [{ what: 'captures', reason }, { what: 'pings', reason }, { what: 'mtu', reason }],
    durationMs: Math.round(performance.now() - started),
  };
}
