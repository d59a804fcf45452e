import { ev, ifaceEvidence, inNs, verdict } from './lib/evidence.js';
import { tunnelsOf } from './lib/tunnels.js';
import { defineCause } from './types.js';

const IFF_UP = 0x1;

export default defineCause({
  id: 'device_down',
  title: 'the interface is down',
  fix: 'ip link set IF up',
  reads: ['tunnels', 'tunnel-interfaces'],
  assess({ subject: s, facts: f, path }) {
    const p = f.presence;
    if (p) {
      if (p.flags === null || (p.flags & IFF_UP) !== 0) return verdict('ruled_out', `${p.host}'s ${p.iface} is ${p.flags === null ? 'absent' : 'up'}`);
      return verdict('confirmed', `${p.host}'s tunnel ${p.iface} exists but is down: nothing is sent or received through it`,
        [ev('', `${p.host}: /sys/class/net/${p.iface}/flags=0x${p.flags.toString(16)} (no IFF_UP)`)], `${p.upCommand} (or on ${p.host}: ip link set dev ${p.iface} up)`);
    }
    const names = tunnelsOf(s, f.links);
    if (!names.length) return verdict('unknown', 'no tunnel found to examine (give --iface)');
    const evidence = names.map((n) => ifaceEvidence(f, n));
    const down = names.filter((n) => f.interfaces[n]?.exists && ((f.interfaces[n]!.flags ?? 1) & 1) === 0);
    const on = path ? ` on ${path[path.at].host}` : '';
    if (down.length) {
      return verdict('confirmed', `${down.join(', ')}${on} ${down.length === 1 ? 'is' : 'are'} down (administratively: IFF_UP is clear)`, evidence, inNs(s, down.map((d) => `ip link set ${d} up`)));
    }
    if (names.some((n) => f.interfaces[n]?.error)) return verdict('unknown', `${names.filter((n) => f.interfaces[n]?.error).join(', ')} could not be read`, evidence);
    const missing = names.filter((n) => f.interfaces[n] && !f.interfaces[n]!.exists);
    if (missing.length === names.length) return verdict('ruled_out', `${missing.join(', ')} does not exist`, evidence);
    return verdict('ruled_out', `${names.filter((n) => !missing.includes(n)).join(', ')} up`, evidence);
  },
});
