import { countersEvidence, counterTotal, ev, inNs, moveEvidence, movedBy, plural, verdict } from './lib/evidence.js';
import { tunnelsOf } from './lib/tunnels.js';
import { defineCause } from './types.js';

export default defineCause({
  id: 'mpls_input_disabled',
  title: 'MPLS input is disabled on the tunnel: labelled packets arriving on it are dropped',
  fix: 'sysctl -w net.mpls.conf.IF.input=1',
  reads: ['tunnels', 'tunnel-input', 'tunnel-counters'],
  assess(input) {
    const { subject: s, facts: f, path } = input;
    const names = tunnelsOf(s, f.links);
    if (!names.length) return verdict('unknown', 'no tunnel found to examine (give --iface)');
    const evidence = names.flatMap((n) => {
      const v = f.mplsInput[n];
      const c = countersEvidence(f, n);
      return [...(v ? [ev(v.path, v.value ?? v.error ?? 'absent')] : []), ...(c ? [c] : [])];
    });
    const off = names.filter((n) => f.mplsInput[n]?.value === '0');
    const fix = inNs(s, (off.length ? off : names).map((n) => `sysctl -w net.mpls.conf.${n}.input=1`));
    // rx_dropped counts exactly this: a labelled packet on a device whose MPLS input is off (af_mpls.c, mpls_forward).
    const moved = movedBy(input, 'rx_dropped');
    if (path && moved) {
      const end = path[path.at];
      const why = `MPLS input is off on ${end.host}'s ${end.iface}: the kernel dropped the labelled packets on arrival (${moved.cites.join(', ')})`;
      return verdict(moved.all || off.length ? 'confirmed' : 'consistent', why, [...moveEvidence(moved.cites), ...evidence], fix);
    }
    if (off.length) {
      if (path) return verdict('confirmed', `MPLS input is off on ${path[path.at].host}'s ${off.join(', ')}: labelled packets arriving there are dropped`, evidence, fix);
      const dropped = counterTotal(f, off, 'rx_dropped');
      return verdict('confirmed', `MPLS input is disabled on ${off.join(', ')}${dropped ? `: ${plural(dropped, 'labelled packet')} dropped on arrival` : ''}`, evidence, fix);
    }
    if (names.every((n) => f.mplsInput[n]?.value === '1')) return verdict('ruled_out', `MPLS input enabled on ${names.join(', ')}`, evidence);
    return verdict('unknown', 'MPLS input could not be read', evidence);
  },
});
