import { verdict } from './lib/evidence.js';
import { moduleEvidence, moduleFix, moduleState, mplsActive, mplsDir, persist } from './lib/modules.js';
import { defineCause } from './types.js';

export default defineCause({
  id: 'mpls_router_missing',
  title: 'the kernel has no MPLS forwarding (mpls_router not loaded or not built)',
  fix: `${persist('mpls_router')}   # or boot a kernel built with CONFIG_MPLS_ROUTING`,
  reads: ['platform-labels', 'module:mpls_router'],
  assess({ facts: f, path }) {
    const m = f.modules.mpls_router;
    const dir = mplsDir(f);
    const active = mplsActive(f);
    if (active === undefined) return verdict('unknown', f.platformLabels ? `net.mpls could not be read: ${f.platformLabels.error}` : 'net.mpls was not read', dir ? [dir] : []);
    if (active) return verdict('ruled_out', `net.mpls exists: MPLS forwarding is active${m ? ` (mpls_router ${moduleState(m)})` : ''}`, [dir!]);
    const evidence = [dir!, ...(m ? moduleEvidence(m) : [])];
    // The module is there but its sysctls are not: the reading is wrong, not the kernel.
    if (m && (m.state === 'loaded' || m.state === 'builtin')) return verdict('unknown', `/proc/sys/net/mpls is absent, yet mpls_router ${moduleState(m)}`, evidence);
    const where = path ? ` on ${path[path.at].host}: labelled packets arriving there are dropped` : '';
    if (!m) return verdict('confirmed', `the kernel has no MPLS forwarding${where}: /proc/sys/net/mpls is absent`, evidence);
    return verdict('confirmed', `the kernel has no MPLS forwarding${where}: mpls_router ${moduleState(m)}`, evidence, moduleFix(m));
  },
});
