import { parsePing } from '../../core/ping.js';
import type { HostSpec } from '../../core/topology.js';
import type { Host } from '../../host/host.js';
import type { MtuResult } from './types.js';

/** One echo with DF set and a short wait: the path's RTT is far below it, and a dropped probe must not stall verify. */
async function probePing(host: Host, from: HostSpec, to: HostSpec, payload: number): Promise<boolean> {
  const r = await host.exec('ping', ['-n', '-q', '-c', '1', '-W', '0.5', '-M', 'do', '-s', String(payload), '-I', from.overlay, to.overlay], { timeoutMs: 5_000 });
  return (parsePing(r.stdout)?.received ?? 0) > 0;
}

/** MTU probe: sizes around the one the tunnel MTU predicts, sent with DF, all at once. */
export async function probeMtu(host: Host, from: HostSpec, to: HostSpec, iface: string): Promise<MtuResult> {
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

/** Small packets cross but the size the tunnel MTU admits does not: a black hole on the path. */
export function mtuBlackHole(mtu: MtuResult | undefined): boolean {
  return mtu !== undefined && mtu.tried.some((t) => t.payload === mtu.predicted && !t.crossed);
}
