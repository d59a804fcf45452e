import { verdict } from './lib/evidence.js';
import { moduleEvidence, moduleFix, moduleState, persist } from './lib/modules.js';
import { defineCause } from './types.js';

export default defineCause({
  id: 'mpls_iptunnel_missing',
  title: 'the kernel cannot push labels on IP routes (mpls_iptunnel not loaded or not built)',
  fix: `${persist('mpls_iptunnel')}   # or boot a kernel built with CONFIG_MPLS_IPTUNNEL`,
  reads: ['module:mpls_iptunnel'],
  assess({ facts: f }) {
    const m = f.modules.mpls_iptunnel;
    if (!m) return verdict('unknown', 'mpls_iptunnel was not examined');
    const evidence = moduleEvidence(m);
    if (m.state === 'loaded' || m.state === 'builtin') return verdict('ruled_out', `mpls_iptunnel ${moduleState(m)}`, evidence);
    if (m.state === 'unknown') return verdict('consistent', `mpls_iptunnel ${moduleState(m)}`, evidence, moduleFix(m));
    return verdict('confirmed', `mpls_iptunnel ${moduleState(m)}`, evidence, moduleFix(m));
  },
});
