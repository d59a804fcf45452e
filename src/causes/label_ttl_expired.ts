import { countersEvidence, counterTotal, moveEvidence, movedBy, plural, verdict } from './lib/evidence.js';
import { tunnelsOf } from './lib/tunnels.js';
import { defineCause } from './types.js';

const FIX = 'on the sender, raise the TTL its labels get: the packet\'s own (net.mpls.ip_ttl_propagate=1, then ping -t 64) or net.mpls.default_ttl (when ip_ttl_propagate=0): sysctl -w net.mpls.default_ttl=255';

export default defineCause({
  id: 'label_ttl_expired',
  title: 'the label\'s TTL ran out where it arrived: the kernel drops the packet and sends no ICMP',
  fix: FIX,
  reads: ['tunnels', 'tunnel-counters'],
  assess(input) {
    const { subject: s, facts: f, path } = input;
    const names = tunnelsOf(s, f.links);
    const evidence = names.flatMap((n) => countersEvidence(f, n) ?? []);
    if (path) {
      // rx_errors counts a labelled packet the kernel could not forward: its TTL at 1 or below (af_mpls.c, mpls_forward).
      const moved = movedBy(input, 'rx_errors');
      const end = path[path.at];
      if (!moved) return verdict('ruled_out', `no rx_errors counted on ${end.host}'s ${end.iface}`, evidence);
      return verdict(moved.all ? 'confirmed' : 'consistent', `${end.host}'s kernel could not forward the labelled packets (${moved.cites.join(', ')}): their TTL expired on arrival`, [...moveEvidence(moved.cites), ...evidence], FIX);
    }
    if (!names.length) return verdict('unknown', 'no tunnel found to examine (give --iface)');
    const errors = counterTotal(f, names, 'rx_errors');
    if (errors > 0) return verdict('consistent', `${plural(errors, 'labelled packet')} arrived that the kernel could not forward (rx_errors on ${names.join(', ')}): a TTL that ran out`, evidence, FIX);
    if (names.every((n) => f.counters[n]?.value !== undefined)) return verdict('ruled_out', `no rx_errors on ${names.join(', ')}`, evidence);
    return verdict('unknown', 'the MPLS counters could not be read', evidence);
  },
});
