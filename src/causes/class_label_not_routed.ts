import { classPath } from './lib/classes.js';
import { countersEvidence, ev, moveEvidence, movedBy, verdict } from './lib/evidence.js';
import { defineCause } from './types.js';

export default defineCause({
  id: 'class_label_not_routed',
  title: 'the peer has no MPLS route for the class label: it drops the class\'s packets on arrival',
  fix: 'ip -f mpls route add LABEL dev lo   # on the peer; or: mplsgre up FILE',
  reads: ['mpls-routes', 'tunnel-counters', 'tunnels'],
  assess(input) {
    const k = classPath(input);
    if (!k) return verdict('unknown', 'told only by verify, for a traffic class');
    const { c, end } = k;
    const f = input.facts;
    const routes = f.mplsRoutes?.value;
    const evidence = [
      ...(f.mplsRoutes ? [ev(f.mplsRoutes.source, routes === undefined ? f.mplsRoutes.error ?? '?' : routes.length ? `labels ${routes.join(', ')}` : 'no MPLS routes')] : []),
      ...(countersEvidence(f, end.iface) ? [countersEvidence(f, end.iface)!] : []),
    ];
    const fix = `ip -f mpls route add ${c.label} dev lo`;
    const missing = routes !== undefined && !routes.includes(c.label);
    const have = routes?.join(', ') || 'none';
    // rx_noroute counts a labelled packet whose label has no route (af_mpls.c, mpls_forward).
    const moved = movedBy(input, 'rx_noroute');
    if (moved) {
      return verdict(moved.all || missing ? 'confirmed' : 'consistent',
        `${end.host} has no route for the class label ${c.label} (class ${c.name}; it routes: ${have}): the kernel dropped the packets (${moved.cites.join(', ')})`,
        [...moveEvidence(moved.cites), ...evidence], fix);
    }
    if (routes === undefined) return verdict('unknown', 'the MPLS routes could not be listed', evidence);
    if (missing) return verdict('confirmed', `${end.host} has no route for the class label ${c.label} (class ${c.name}; it routes: ${have}): the kernel drops them (rx_noroute)`, evidence, fix);
    return verdict('ruled_out', `${end.host} routes the class label ${c.label}`, evidence);
  },
});
