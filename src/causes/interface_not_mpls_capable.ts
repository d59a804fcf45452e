import { ev, ifaceEvidence, verdict } from './lib/evidence.js';
import { mplsActive, mplsDir } from './lib/modules.js';
import { defineCause } from './types.js';

export default defineCause({
  id: 'interface_not_mpls_capable',
  title: 'the interface has no MPLS configuration (older kernels give one only to some device types)',
  fix: 'carry MPLS over a GRE, IPIP, SIT or Ethernet device, or use a kernel that enables MPLS on every device type',
  reads: ['platform-labels', 'named-interface', 'named-conf'],
  assess({ subject: s, facts: f }) {
    const name = s.iface;
    if (!name) return verdict('unknown', 'no interface name to look up');
    const active = mplsActive(f);
    const i = f.interfaces[name];
    const conf = f.mplsInput[name];
    if (active === false) return verdict('ruled_out', 'net.mpls is absent: no interface has an MPLS configuration until mpls_router is loaded', [mplsDir(f)!]);
    if (!i?.exists) return verdict('ruled_out', `${name} does not exist`, [ifaceEvidence(f, name)]);
    const evidence = [ifaceEvidence(f, name), ...(conf ? [ev(conf.path, conf.value ?? conf.error ?? 'absent')] : [])];
    if (conf && conf.value === undefined) {
      return verdict('confirmed', `${name} (device type ${i.type ?? '?'}) has no net.mpls.conf entry: this kernel gives MPLS configuration only to some device types`, evidence);
    }
    return verdict('ruled_out', `${name} has an MPLS configuration`, evidence);
  },
});
