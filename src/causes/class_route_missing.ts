import { classPath, seen } from './lib/classes.js';
import { ev, verdict } from './lib/evidence.js';
import { defineCause } from './types.js';

export default defineCause({
  id: 'class_route_missing',
  title: 'the class\'s routing table has no route for the overlay pushing the class label',
  fix: 'ip route add OVERLAY encap mpls LABEL dev IF table TABLE   # or: mplsgre up FILE',
  reads: ['overlay-routes'],
  assess(input) {
    const k = classPath(input);
    if (!k) return verdict('unknown', 'told only by verify, for a traffic class');
    const { c, end, path } = k;
    const o = input.facts.overlayRoutes;
    if (!o?.value) return verdict('unknown', `${end.host}'s routes for ${path.overlayPrefix} could not be listed: ${o?.error ?? 'not read'}`, o ? [ev(o.source, o.error ?? '?')] : []);
    const mine = o.value.filter((r) => r.table === String(c.table));
    const evidence = [ev(o.source, o.value.map((r) => r.text).join('; ') || 'none')];
    const route = `${path.overlayPrefix} encap mpls ${c.label} dev ${end.iface} table ${c.table}`;
    if (!mine.length) {
      return verdict('confirmed', `${end.host}'s table ${c.table} has no route for ${path.overlayPrefix} (class ${c.name}): the lookup falls through to the next rule, and the packets left ${seen(c)}`,
        evidence, `ip route add ${route}`);
    }
    const good = mine.find((r) => r.labels[0] === c.label);
    if (good) return verdict('ruled_out', `${end.host}'s table ${c.table} routes ${path.overlayPrefix} pushing ${c.label}: ${good.text}`, evidence);
    const pushes = mine.map((r) => (r.labels.length ? `label ${r.labels.join('/')}` : 'no label')).join(', ');
    return verdict('confirmed', `${end.host}'s route for ${path.overlayPrefix} in table ${c.table} pushes ${pushes}, not the class label ${c.label} (class ${c.name})`, evidence, `ip route replace ${route}`);
  },
});
