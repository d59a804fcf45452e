import type { Evidence } from '../../core/check.js';
import type { CounterMove, CounterName } from '../../probes/mpls-counters.js';
import type { Assessment, CauseInput, HostFacts, Subject } from '../types.js';

export const ev = (source: string, value: string): Evidence => ({ source, value });

export const verdict = (v: Assessment['verdict'], explanation: string, evidence: Evidence[] = [], fix?: string): Assessment => ({
  verdict: v, explanation, evidence, ...(fix ? { fix } : {}),
});

/** Runs fix commands in the namespace the failing command ran in. */
export function inNs(s: Subject, cmds: readonly string[]): string {
  const ns = s.netns;
  return cmds.map((c) => (ns ? `ip netns exec ${ns} ${c}` : c)).join(' && ');
}

export const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

export function ifaceEvidence(f: HostFacts, name: string): Evidence {
  const i = f.interfaces[name];
  if (!i) return ev(`/sys/class/net/${name}`, 'not read');
  if (!i.exists) return ev(`/sys/class/net/${name}`, i.error ? `unreadable: ${i.error}` : 'absent');
  return ev(`/sys/class/net/${name}`, `flags 0x${(i.flags ?? 0).toString(16)}, ${i.operstate ?? '?'}, mtu ${i.mtu ?? '?'}`);
}

/** A tunnel's MPLS counters as read, the totals since the device was made. */
export function countersEvidence(f: HostFacts, name: string): Evidence | undefined {
  const c = f.counters[name];
  if (!c) return undefined;
  const v = c.value;
  return ev(c.source, v ? `rx_noroute ${v.rx_noroute}, rx_dropped ${v.rx_dropped}, rx_errors ${v.rx_errors}, tx_errors ${v.tx_errors}` : c.error ?? '?');
}

/** The sum of one counter over the named tunnels, as totals. */
export const counterTotal = (f: HostFacts, names: readonly string[], counter: CounterName): number =>
  names.reduce((sum, n) => sum + (f.counters[n]?.value?.[counter] ?? 0), 0);

/**
 * What one counter did while verify tried the direction, on the end the cause is judged at:
 * the moves cited (`rx_noroute +3 on B's foo4`), and whether they account for every packet lost.
 */
export function movedBy(input: CauseInput, counter: CounterName, side: 'sender' | 'receiver' = input.path?.at ?? 'receiver'): { cites: string[]; total: number; all: boolean } | undefined {
  const p = input.path;
  if (!p) return undefined;
  const end = side === 'sender' ? p.sender : p.receiver;
  const moves = (side === 'sender' ? p.senderCounters : p.receiverCounters)?.filter((m: CounterMove) => m.counter === counter && m.ifname === end.iface) ?? [];
  if (!moves.length) return undefined;
  const total = moves.reduce((s, m) => s + m.delta, 0);
  const cites = moves.map((m) => `${m.counter} +${m.delta} on ${end.host}'s ${m.ifname}`);
  return { cites, total, all: p.lost !== undefined && p.lost > 0 && total >= p.lost };
}

/** Cited moves as evidence lines. */
export const moveEvidence = (cites: readonly string[]): Evidence[] => cites.map((c) => ev('', c));

/** Lines verify's stage observed, carried into every cause it names. */
export const stageEvidence = (input: CauseInput): Evidence[] => (input.path?.evidence ?? []).map((e) => ev('', e));
