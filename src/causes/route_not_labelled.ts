import { ev, verdict } from './lib/evidence.js';
import { defineCause } from './types.js';

export default defineCause({
  id: 'route_not_labelled',
  title: 'the overlay route does not push the label (no encap mpls, or another label)',
  fix: 'ip route replace OVERLAY encap mpls LABEL dev IF',
  reads: [],
  assess({ path }) {
    // Told by verify, from the packets on the wire: no error message names it.
    if (!path) return verdict('unknown', 'told only by verify, from the packets on the wire');
    const s = path.sender;
    const source = `ip route show ${path.overlayPrefix} dev ${s.iface}`;
    if (!s.overlayRoute) {
      return verdict('confirmed', `${s.host} has no route for ${path.overlayPrefix} through ${s.iface}`, [ev(source, 'none')], `ip route add ${path.overlayPrefix} encap mpls ${path.label} dev ${s.iface}`);
    }
    const fix = `ip route replace ${path.overlayPrefix} encap mpls ${path.label} dev ${s.iface}`;
    if (!s.pushes?.includes(path.label)) return verdict('confirmed', `${s.host}'s route pushes ${s.pushes?.join('/') ?? 'no label'}, not ${path.label}`, [ev(source, s.overlayRoute)], fix);
    // The route pushes the label now, but the packets left without it: changed since, or another route wins.
    return verdict('consistent', `${s.host}'s route pushes ${path.label} now, but the requests left without it (another route, or changed since)`, [ev(source, s.overlayRoute)], fix);
  },
});
