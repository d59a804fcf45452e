import { ev, inNs, verdict } from './lib/evidence.js';
import { defineCause } from './types.js';

const RP_MODE = ['off', 'strict', 'loose'];

export default defineCause({
  id: 'rp_filter_strict',
  title: 'strict reverse-path filtering drops the packets a label route delivers',
  fix: 'sysctl -w net.ipv4.conf.all.rp_filter=2 && sysctl -w net.ipv4.conf.lo.rp_filter=2 (and the tunnel)',
  reads: ['tunnels', 'rp-filter'],
  assess({ subject: s, facts: f, path }) {
    const all = f.rpFilter.all;
    if (!all || all.value === undefined) return verdict('unknown', 'net.ipv4.conf.all.rp_filter unreadable');
    const devices = Object.keys(f.rpFilter).filter((k) => k !== 'all');
    const evidence = [all, ...devices.map((d) => f.rpFilter[d]!)].map((v) => ev(v.path, v.value ?? v.error ?? 'absent'));
    const effective = devices.flatMap((d) => {
      const v = f.rpFilter[d]!.value;
      return v === undefined ? [] : [[d, Math.max(Number(all.value), Number(v))] as const];
    });
    const strict = effective.filter(([, e]) => e === 1).map(([d]) => d);
    const shown = effective.map(([d, e]) => `${d} ${e} (${RP_MODE[e] ?? '?'})`).join(', ');
    if (!strict.length) return verdict('ruled_out', `effective rp_filter: ${shown}`, evidence);
    const drops = f.rpFilterDrops;
    if (drops) evidence.push(ev(drops.source, drops.value === undefined ? drops.error ?? '?' : String(drops.value)));
    const fix = inNs(s, ['sysctl -w net.ipv4.conf.all.rp_filter=2', ...strict.map((d) => `sysctl -w net.ipv4.conf.${d}.rp_filter=2`)]);
    if (path) {
      // The labelled packets reached this end and nothing earlier stopped them: the setting explains the loss by itself.
      const end = path[path.at];
      return verdict('confirmed', `strict reverse-path filtering on ${end.host} (effective: ${shown}): the popped packet arrives on lo from ${path.overlayPrefix}, whose route points into ${end.iface}, and is dropped silently`, evidence, fix);
    }
    const why = `strict reverse-path filtering on ${strict.join(', ')} (effective: ${shown}): packets a label route delivers there come from a source routed via the tunnel, and are dropped`;
    if (drops?.value !== undefined && drops.value > 0) return verdict('confirmed', `${why}; the kernel counted ${drops.value} such drop${drops.value === 1 ? '' : 's'}`, evidence, fix);
    return verdict('consistent', `${why}${drops?.value === 0 ? ' (none counted yet)' : ''}`, evidence, fix);
  },
});
