import { ev, verdict } from './lib/evidence.js';
import { labelsOf } from './lib/labels.js';
import { replaceFix } from './lib/replace.js';
import { defineCause } from './types.js';

export default defineCause({
  id: 'route_exists',
  title: 'the route already exists',
  fix: 'use "replace" instead of "add" (ip route replace ..., ip -f mpls route replace ...), or delete the old route first',
  reads: ['subject-routes'],
  assess({ subject: s, facts: f }) {
    if (s.command?.kind === 'mpls-route') {
      const label = labelsOf(s)[0];
      const r = f.mplsRoutes;
      if (!r || label === undefined) return verdict('unknown', 'no label to look up');
      if (r.value === undefined) return verdict('unknown', `${r.source} failed: ${r.error ?? '?'}`);
      const evidence = [ev(r.source, r.value.length ? `labels ${r.value.join(', ')}` : 'no MPLS routes')];
      if (r.value.includes(label)) return verdict('confirmed', `label ${label} already has an MPLS route`, evidence, replaceFix(s));
      return verdict('ruled_out', `label ${label} has no MPLS route now`, evidence);
    }
    const prefix = s.prefix;
    const r = prefix ? f.routes[prefix] : undefined;
    if (!prefix || !r) return verdict('unknown', 'no route prefix to look up');
    if (r.value === undefined) return verdict('unknown', `${r.source} failed: ${r.error ?? '?'}`);
    const evidence = [ev(r.source, `${r.value} route${r.value === 1 ? '' : 's'}`)];
    if (r.value > 0) return verdict('confirmed', `a route for ${prefix} already exists`, evidence, replaceFix(s));
    return verdict('ruled_out', `no route for ${prefix} now`, evidence);
  },
});
