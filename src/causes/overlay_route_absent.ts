import { ev, verdict } from './lib/evidence.js';
import { defineCause } from './types.js';

export default defineCause({
  id: 'overlay_route_absent',
  title: 'there is no route for the overlay prefix through the tunnel',
  fix: 'mplsgre up FILE (or ip route add OVERLAY encap mpls LABEL dev IF)',
  reads: [],
  assess({ facts: f, path }) {
    // verify reads the host's routes before it sends (core/tunnel-presence.ts), and again when ping sent nothing.
    const p = f.presence;
    if (p) {
      if (p.routePresent) return verdict('ruled_out', `${p.host} routes ${p.overlayPrefix} through ${p.iface}`);
      const table = p.overlayAddress.includes(':') ? 'ipv6_route' : 'route';
      return verdict('confirmed', `${p.host} has no route for ${p.overlayPrefix} through ${p.iface}: its packets for the peer do not enter the tunnel`,
        [ev('', `${p.host}: no ${p.overlayPrefix} dev ${p.iface} in /proc/net/${table}`)], p.upCommand);
    }
    if (!path) return verdict('unknown', 'told only by verify, from the host\'s routes');
    const s = path.sender;
    const evidence = [ev(`ip route show ${path.overlayPrefix} dev ${s.iface}`, s.overlayRoute ?? 'none')];
    if (!s.overlayRoute) return verdict('confirmed', `${s.host} has no route for ${path.overlayPrefix} through ${s.iface}`, evidence, 'mplsgre up FILE');
    return verdict('ruled_out', `${s.host} routes ${path.overlayPrefix} through ${s.iface}`, evidence);
  },
});
