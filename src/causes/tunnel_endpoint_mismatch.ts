import type { Evidence } from '../core/check.js';
import { ev, inNs, verdict } from './lib/evidence.js';
import { tunnelsOf } from './lib/tunnels.js';
import { defineCause, type Assessment, type CauseInput, type LinkFacts } from './types.js';

const GOOD_NEIGH = /REACHABLE|STALE|DELAY|PROBE|PERMANENT|NOARP/;
const BAD_NEIGH = /FAILED|INCOMPLETE/;

/** verify's view: each end's tunnel must name the other end's underlay address. */
function onPath({ path, facts: f }: CauseInput & { path: NonNullable<CauseInput['path']> }): Assessment {
  const end = path[path.at];
  const link = f.links?.value?.find((l) => l.name === end.iface);
  const remote = link?.remote ?? end.tunnel?.remote;
  const evidence: Evidence[] = [remote === undefined && f.links?.error
    ? ev(f.links.source, f.links.error)
    : ev(f.links?.source ?? 'ip -d link', `${end.iface} local ${link?.local ?? end.tunnel?.local ?? 'any'} remote ${remote ?? '?'}`)];
  if (path.at === 'sender') {
    const expected = path.receiverUnderlay;
    if (path.stage === 'wrong_endpoint' && path.greDestinations.length) {
      return verdict('confirmed', `${end.host} sends its GRE packets to ${path.greDestinations.join(', ')}, not to the peer at ${expected}`, evidence, `ip tunnel change ${end.iface} remote ${expected}`);
    }
    if (remote && remote !== expected) {
      return verdict('confirmed', `${end.host} sends its GRE packets to ${remote}, not to the peer at ${expected}`, evidence, `ip tunnel change ${end.iface} remote ${expected}`);
    }
    return remote ? verdict('ruled_out', `${end.iface}'s remote is the peer, ${expected}`, evidence) : verdict('unknown', `${end.iface}'s remote could not be read`, evidence);
  }
  const from = path.senderUnderlay;
  if (remote && remote !== from) {
    return verdict('confirmed', `${end.host}'s ${end.iface} expects GRE from ${remote}, but the peer sends from ${from}: the kernel finds no tunnel for the packets`, evidence, `ip tunnel change ${end.iface} remote ${from}`);
  }
  return remote ? verdict('ruled_out', `${end.iface}'s remote is the peer, ${from}`, evidence) : verdict('unknown', `${end.iface}'s remote could not be read`, evidence);
}

export default defineCause({
  id: 'tunnel_endpoint_mismatch',
  title: 'the tunnel endpoints do not match this host or its peer',
  fix: 'ip tunnel change IF mode gre local THIS-HOST remote PEER (each end names the other)',
  reads: ['tunnels', 'links', 'tunnel-reach'],
  assess(input) {
    if (input.path) return onPath({ ...input, path: input.path });
    const { subject: s, facts: f } = input;
    const links = f.links?.value;
    if (!links) return verdict('unknown', 'the tunnels could not be listed');
    const names = tunnelsOf(s, f.links);
    const tunnels = names.map((n) => links.find((l) => l.name === n)).filter((l): l is LinkFacts => l !== undefined);
    if (!tunnels.length) return verdict('unknown', 'no tunnel found to examine (give --iface)');
    const local = new Set(links.flatMap((l) => l.addresses));
    const evidence = tunnels.map((t) => ev(f.links!.source, `${t.name} local ${t.local ?? 'any'} remote ${t.remote ?? '?'}`));
    const foreign = tunnels.filter((t) => t.local !== undefined && t.local !== 'any' && !local.has(t.local));
    if (foreign.length) {
      const t = foreign[0]!;
      evidence.push(ev(f.links!.source, `addresses here: ${[...local].filter((a) => !a.startsWith('fe80:')).join(', ') || 'none'}`));
      return verdict('confirmed', `${t.name}'s local address ${t.local} is not on this host: its packets leave with a source the peer does not expect, and the peer's never match it`, evidence,
        inNs(s, [`ip tunnel change ${t.name} mode ${t.kind ?? 'gre'} local ADDRESS-OF-THIS-HOST remote ${t.remote ?? 'PEER'}`]));
    }
    const neigh = tunnels.map((t) => [t, t.remote ? f.neighbours[t.remote] : undefined] as const);
    for (const [, n] of neigh) if (n) evidence.push(ev(n.source, n.value ?? n.error ?? '?'));
    const silent = neigh.filter(([, n]) => n?.value !== undefined && BAD_NEIGH.test(n.value)).map(([t]) => t);
    if (silent.length) {
      return verdict('consistent', `nobody answers at ${silent.map((t) => `${t.name}'s remote ${t.remote}`).join(', ')}: a wrong remote address, or the peer is down`, evidence);
    }
    if (neigh.every(([, n]) => n?.value !== undefined && GOOD_NEIGH.test(n.value))) {
      return verdict('ruled_out', 'the local address is this host\'s and the remote answers', evidence);
    }
    return verdict('unknown', 'the local address is this host\'s; whether the peer names this host as its remote can only be seen there', evidence);
  },
});
