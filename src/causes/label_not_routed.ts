import { countersEvidence, counterTotal, ev, inNs, moveEvidence, movedBy, plural, verdict } from './lib/evidence.js';
import { tunnelsOf } from './lib/tunnels.js';
import { defineCause } from './types.js';

export default defineCause({
  id: 'label_not_routed',
  title: 'no MPLS route for the label the peer pushes: the packets are dropped on arrival',
  fix: 'ip -f mpls route add LABEL dev lo',
  reads: ['tunnels', 'mpls-routes', 'pushed-labels', 'tunnel-counters'],
  assess(input) {
    const { subject: s, facts: f, path } = input;
    const routes = f.mplsRoutes?.value;
    const pushed = f.pushedLabels?.value ?? [];
    const names = tunnelsOf(s, f.links);
    const evidence = [
      ...(f.mplsRoutes ? [ev(f.mplsRoutes.source, routes === undefined ? f.mplsRoutes.error ?? '?' : routes.length ? `labels ${routes.join(', ')}` : 'no MPLS routes')] : []),
      ...(f.pushedLabels?.value ? [ev(f.pushedLabels.source, pushed.length ? `pushes ${pushed.join(', ')}` : 'pushes no label')] : []),
      ...names.flatMap((n) => countersEvidence(f, n) ?? []),
    ];
    const fix = (labels: readonly number[]): string => inNs(s, labels.map((l) => `ip -f mpls route add ${l} dev lo`));
    if (path) {
      // rx_noroute counts a labelled packet whose label has no route (af_mpls.c, mpls_forward).
      const moved = movedBy(input, 'rx_noroute');
      const end = path[path.at];
      const have = routes?.join(', ') || 'none';
      const missing = routes !== undefined && !routes.includes(path.label);
      if (moved) {
        return verdict(moved.all || missing ? 'confirmed' : 'consistent', `${end.host} has no route for label ${path.label} (it routes: ${have}): the kernel dropped the packets (${moved.cites.join(', ')})`,
          [...moveEvidence(moved.cites), ...evidence], fix([path.label]));
      }
      if (routes === undefined) return verdict('unknown', 'the MPLS routes could not be listed', evidence);
      if (missing) return verdict('confirmed', `${end.host} has no route for label ${path.label} (it routes: ${have}): the kernel drops it (rx_noroute)`, evidence, fix([path.label]));
      return verdict('ruled_out', `${end.host} routes label ${path.label}`, evidence);
    }
    if (routes === undefined) return verdict('unknown', 'the MPLS routes could not be listed');
    const noroute = counterTotal(f, names, 'rx_noroute');
    const incoming = s.givenLabels.filter((l) => !pushed.includes(l));
    const missing = incoming.filter((l) => !routes.includes(l));
    const counted = noroute ? `; ${plural(noroute, 'labelled packet')} arrived with no route` : '';
    if (missing.length) {
      return verdict('confirmed', `label${missing.length === 1 ? '' : 's'} ${missing.join(', ')} (pushed by the peer) ${missing.length === 1 ? 'has' : 'have'} no MPLS route here${counted}`, evidence, fix(missing));
    }
    if (incoming.length) return verdict('ruled_out', `every label the peer pushes (${incoming.join(', ')}) has a route`, evidence);
    // A total since the device was made: packets of the past count too, so it agrees without proving.
    if (noroute) return verdict('consistent', `labelled packets arrived for labels without a route${counted} (since ${names.join(', ')} was made)`, evidence, 'ip -f mpls route add LABEL dev lo   # for the label the peer pushes (give --labels to name it)');
    if (!routes.length) return verdict('consistent', 'this host routes no label at all', evidence, 'ip -f mpls route add LABEL dev lo   # for the label the peer pushes');
    return verdict('unknown', 'which label the peer pushes is unknown (give --labels)', evidence);
  },
});
