import type { Evidence } from '../core/check.js';
import { ev, inNs, verdict } from './lib/evidence.js';
import { tunnelsOf } from './lib/tunnels.js';
import { defineCause } from './types.js';

const BAD_NEIGH = /FAILED|INCOMPLETE/;

export default defineCause({
  id: 'underlay_unreachable',
  title: 'the tunnel peer is not reachable over the underlay',
  fix: 'give this host a route to the peer (ip route get PEER must succeed) and check the link between them',
  reads: ['tunnels', 'subject-reach'],
  assess({ subject: s, facts: f, path }) {
    const targets = path ? [path.receiverUnderlay] : s.address ? [s.address] : tunnelsOf(s, f.links).map((n) => f.links?.value?.find((l) => l.name === n)?.remote).filter((a): a is string => a !== undefined);
    if (!targets.length) return verdict('unknown', 'no peer address to try');
    const evidence: Evidence[] = [];
    const unreachable: string[] = [];
    const silent: string[] = [];
    for (const a of targets) {
      const r = f.reach[a];
      if (r) evidence.push(ev(r.source, r.value !== undefined ? `via ${r.value}` : r.error ?? '?'));
      if (r && r.value === undefined) unreachable.push(a);
      const n = f.neighbours[a];
      if (n) evidence.push(ev(n.source, n.value ?? n.error ?? '?'));
      if (n?.value !== undefined && BAD_NEIGH.test(n.value)) silent.push(a);
    }
    const fix = inNs(s, unreachable.map((a) => `ip route get ${a}`)) + '   # must name a device: add a route to the peer, or fix the underlay address';
    if (unreachable.length) return verdict('confirmed', `no route to ${unreachable.join(', ')}: ${f.reach[unreachable[0]!]?.error ?? 'unreachable'}`, evidence, fix);
    if (path) {
      // The GRE packets left for the peer and never arrived: the underlay between them lost them.
      return verdict('consistent', `GRE packets for ${path.receiverUnderlay} never reached it`, evidence,
        `check the underlay: ip route get ${path.receiverUnderlay}; a firewall dropping IP protocol 47`);
    }
    if (silent.length) return verdict('consistent', `a route to ${silent.join(', ')} exists, but nothing answers there (neighbour ${f.neighbours[silent[0]!]?.value})`, evidence);
    if (targets.every((a) => f.reach[a]?.value !== undefined)) return verdict('ruled_out', `${targets.join(', ')} routed`, evidence);
    return verdict('unknown', 'reachability not examined', evidence);
  },
});
