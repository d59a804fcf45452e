import { verdict } from './lib/evidence.js';
import { moduleEvidence, moduleFix, moduleState, persist } from './lib/modules.js';
import { defineCause } from './types.js';

export default defineCause({
  id: 'ip_gre_missing',
  title: 'the kernel has no GRE tunnels (ip_gre not loaded or not built)',
  fix: `${persist('ip_gre')}   # or boot a kernel built with CONFIG_NET_IPGRE`,
  reads: ['module:ip_gre'],
  assess({ facts: f }) {
    const m = f.modules.ip_gre;
    if (!m) return verdict('unknown', 'ip_gre was not examined');
    const evidence = moduleEvidence(m);
    if (m.state === 'loaded' || m.state === 'builtin') return verdict('ruled_out', `ip_gre ${moduleState(m)}`, evidence);
    if (m.state === 'unknown') return verdict('consistent', `ip_gre ${moduleState(m)}`, evidence, moduleFix(m));
    return verdict('confirmed', `ip_gre ${moduleState(m)}`, evidence, moduleFix(m));
  },
});
