import { ev, verdict } from './lib/evidence.js';
import { labelsOf } from './lib/labels.js';
import { defineCause } from './types.js';

export default defineCause({
  id: 'route_absent',
  title: 'the route to delete does not exist',
  fix: 'nothing to delete: list the routes with ip route show (or ip -f mpls route show)',
  reads: ['subject-routes'],
  assess({ subject: s, facts: f }) {
    const prefix = s.prefix;
    const r = prefix ? f.routes[prefix] : undefined;
    if (s.command?.kind === 'mpls-route') {
      const label = labelsOf(s)[0];
      const m = f.mplsRoutes;
      if (label === undefined || m?.value === undefined) return verdict('unknown', 'no MPLS route table to look at');
      const evidence = [ev(m.source, m.value.length ? `labels ${m.value.join(', ')}` : 'no MPLS routes')];
      return m.value.includes(label) ? verdict('ruled_out', `label ${label} has a route now`, evidence) : verdict('confirmed', `label ${label} has no MPLS route`, evidence);
    }
    if (!prefix || !r) return verdict('unknown', 'no route prefix to look up');
    if (r.value === undefined) return verdict('unknown', `${r.source} failed: ${r.error ?? '?'}`);
    const evidence = [ev(r.source, `${r.value} route${r.value === 1 ? '' : 's'}`)];
    return r.value === 0 ? verdict('confirmed', `there is no route for ${prefix} (in the main table)`, evidence) : verdict('ruled_out', `a route for ${prefix} exists now`, evidence);
  },
});
