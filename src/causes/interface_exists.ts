import { ifaceEvidence, inNs, verdict } from './lib/evidence.js';
import { defineCause } from './types.js';

export default defineCause({
  id: 'interface_exists',
  title: 'an interface with that name already exists',
  fix: 'reuse it, delete it first (ip link del NAME), or choose another name',
  reads: ['named-interface'],
  assess({ subject: s, facts: f }) {
    const name = s.iface;
    const i = name ? f.interfaces[name] : undefined;
    if (!name || !i) return verdict('unknown', 'no interface name to look up');
    const evidence = [ifaceEvidence(f, name)];
    if (i.exists) return verdict('confirmed', `an interface named ${name} already exists`, evidence, inNs(s, [`ip link del ${name}`]) + '   # or reuse it; mplsgre up is idempotent');
    return verdict('ruled_out', `no interface named ${name} now`, evidence);
  },
});
