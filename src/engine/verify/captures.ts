import { join } from 'node:path';
import { CaptureTail, decodeBuffer } from '../../capture/index.js';
import type { PacketRecord } from '../../capture/record.js';
import { startSniffer, type Sniffer } from '../../capture/sniffer.js';
import type { HostSpec } from '../../core/topology.js';
import type { Host } from '../../host/host.js';
import { EchoTally } from '../echo-tally.js';
import { TcpTally } from './tcp-tally.js';

/**
 * tcpdump's kernel buffer (-B, KiB) for `count` pings each way and `tcpBytes` of TCP each way:
 * room for every packet of the run (8 per ping pair on each host, under 512 bytes each in the
 * ring at snap length 262; a TCP payload KiB costs at most two such packets on each of the two
 * interfaces, its ACKs included), so a tcpdump slower than the traffic (one write per packet,
 * as on user-mode Linux at -i 0) falls behind instead of losing packets. libpcap's default of
 * 2 MiB at least; 64 MiB at most.
 */
export function captureBufferKib(count: number, tcpBytes = 0): number {
  return Math.min(65_536, Math.max(2_048, 4 * count + 2 * Math.ceil(tcpBytes / 1024)));
}

/** One host's capture file as tcpdump writes it, and the tallies of its echo packets and TCP segments. */
export interface WatchedCapture {
  /** Where tcpdump writes it, on the host that runs tcpdump. */
  readonly file: string;
  readonly tally: EchoTally;
  readonly tcp: TcpTally;
  /** Decodes what was written since the last poll, returns how many records; `final` once tcpdump has stopped. */
  poll(final?: boolean): Promise<number>;
  close(): Promise<void>;
}

/** A capture on this machine's files (local and netns hosts): each poll decodes only new bytes. */
class LocalCapture implements WatchedCapture {
  readonly tally = new EchoTally();
  readonly tcp = new TcpTally();
  private readonly tail: CaptureTail;

  constructor(readonly file: string) {
    this.tail = new CaptureTail(file);
  }

  poll(final = false): Promise<number> {
    return this.tail.poll((r) => {
      this.tally.add(r);
      this.tcp.add(r);
    }, final);
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
  tcp = new TcpTally();

  private constructor(private readonly host: Host, readonly dir: string, readonly file: string) {}

  static async create(host: Host, name: string): Promise<RemoteCapture> {
    const r = await host.exec('mktemp', ['-d', '/tmp/mplsgre-verify-XXXXXX'], { timeoutMs: 10_000 });
    const dir = r.stdout.trim();
    if (r.failed || !dir.startsWith('/tmp/mplsgre-verify-')) throw new Error(`${host.name}: cannot create a capture directory: ${r.stderr.trim() || `exit ${r.exitCode}`}`);
    return new RemoteCapture(host, dir, join(dir, `${name}.pcap`));
  }

  async poll(final = false): Promise<number> {
    // The file holds every packet of a bulk transfer (megabytes, read whole each time): the
    // final read, which the verdict needs, may take far longer than a sysctl read.
    const [f] = await this.host.readFiles([this.file], { timeoutMs: final ? 120_000 : 30_000 });
    if (!f?.ok) {
      if (!final && f?.error === 'ENOENT') return 0;
      throw new Error(`${this.host.name}: cannot read ${this.file}: ${f?.error ?? 'no answer'}`);
    }
    const before = this.tally.decoded;
    const tally = new EchoTally();
    const tcp = new TcpTally();
    for (const rec of decodeBuffer(f.data)) {
      if (!final && rec.error) continue;
      tally.add(rec);
      tcp.add(rec);
    }
    this.tally = tally;
    this.tcp = tcp;
    return Math.max(0, tally.decoded - before);
  }

  async close(): Promise<void> {
    await this.host.exec('rm', ['-rf', '--', this.dir], { timeoutMs: 10_000 });
  }
}

/**
 * Reads the captures as they grow until `done` says they hold what the traffic counted, or
 * until no new packet has come for `quietMs`: no fixed sleep, and each poll decodes only new bytes.
 */
export async function settle(captures: readonly WatchedCapture[], done: () => boolean, quietMs: number): Promise<void> {
  let lastNews = performance.now();
  for (;;) {
    const news = await Promise.all(captures.map((c) => c.poll().catch(() => 0)));
    if (done()) return;
    if (news.some((n) => n > 0)) lastNews = performance.now();
    else if (performance.now() - lastNews > quietMs) return;
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Both hosts' captures, running: each host's tally by name, and the sniffers to stop. */
export interface Captures {
  readonly watched: ReadonlyMap<string, WatchedCapture>;
  readonly sniffers: readonly { readonly host: string; readonly s: Sniffer }[];
  /** Stops what started (sniffers, remote directories); safe to call twice. */
  close(): Promise<void>;
}

/**
 * One capture per host on every interface: the tunnel's packets (bare MPLS) and the underlay's
 * (GRE to or from the peer) are told apart by their headers, and each host costs one tcpdump
 * instead of two. Local files go under `dir`.
 */
export async function startCaptures(pair: readonly [HostSpec, HostSpec], hostOf: (h: HostSpec) => Host, dir: string, bufferKib: number): Promise<Captures> {
  const [a, b] = pair;
  const watched = new Map<string, WatchedCapture>();
  const sniffers: { host: string; s: Sniffer }[] = [];
  const close = async (): Promise<void> => {
    await Promise.all(sniffers.map((x) => x.s.stop().catch(() => undefined)));
    await Promise.all([...watched.values()].map((c) => c.close().catch(() => undefined)));
  };
  try {
    const asRoot = process.getuid?.() === 0 ? ['-Z', 'root'] : [];
    await Promise.all([a, b].map(async (h) => {
      watched.set(h.name, hostOf(h).remote ? await RemoteCapture.create(hostOf(h), h.name) : new LocalCapture(join(dir, `${h.name}.pcap`)));
    }));
    await Promise.all([[a, b], [b, a]].map(async ([h, peer]) => {
      // libpcap's `mpls` primitive refuses cooked captures; the protocol field says the same.
      // Every GRE packet, not only the peer's: a tunnel sending to the wrong endpoint must show.
      const filter = [peer!.underlay.includes(':') ? 'ip6' : 'ip', 'proto', '47', 'or', 'ether', 'proto', '0x8847'];
      const s = await startSniffer(hostOf(h!), 'any', watched.get(h!.name)!.file, [...asRoot, '-B', String(bufferKib), '-y', 'LINUX_SLL', ...filter]);
      sniffers.push({ host: h!.name, s });
    }));
  } catch (err) {
    await close();
    throw err;
  }
  return { watched, sniffers, close };
}

export const inGre = (r: PacketRecord): boolean => r.gre !== undefined;
