import { ifaceEvidence, moveEvidence, movedBy, stageEvidence, verdict } from './lib/evidence.js';
import { tunnelsOf } from './lib/tunnels.js';
import { defineCause } from './types.js';

export default defineCause({
  id: 'mtu_exceeded',
  title: 'the packet is larger than the tunnel path can carry',
  fix: 'send smaller packets, or lower the overlay MTU (GRE costs 24 bytes, each label 4)',
  reads: ['tunnels', 'tunnel-interfaces', 'tunnel-counters'],
  assess(input) {
    const { subject: s, facts: f, path } = input;
    const names = tunnelsOf(s, f.links);
    const evidence = names.map((n) => ifaceEvidence(f, n));
    const mtus = names.map((n) => f.interfaces[n]?.mtu).filter((m): m is number => m !== undefined);
    if (path) {
      const snd = path.sender;
      const fix = `lower ${snd.iface}'s MTU on both ends to what crosses (ip link set dev ${snd.iface} mtu N), or raise the underlay's`;
      // tx_errors counts a labelled packet too big for the device it leaves by (af_mpls.c, mpls_pkt_too_big).
      const moved = movedBy(input, 'tx_errors');
      const seen = [...(moved ? moveEvidence(moved.cites) : []), ...stageEvidence(input), ...evidence];
      if (path.stage === 'mtu' || moved?.all) {
        return verdict('confirmed', `packets that fit ${snd.iface}'s MTU (${snd.tunnel?.mtu ?? mtus[0] ?? '?'}) are dropped on the way: a smaller MTU on the path (the underlay?) and MPLS does not fragment`, seen, fix);
      }
      if (moved) return verdict('consistent', `some labelled packets were too big for the next hop (${moved.cites.join(', ')})`, seen, fix);
      return verdict('ruled_out', 'no packet was counted too big', evidence);
    }
    if (s.mtu !== undefined) {
      const fix = `send at most ${s.mtu - 28} bytes of ICMP payload (ping -s ${s.mtu - 28}), or raise the underlay MTU (a GRE tunnel's MTU is the underlay's less 24; each label takes 4 more)`;
      return verdict('confirmed', `the packet is larger than the path MTU, ${s.mtu} bytes${mtus.length ? ` (tunnel MTU ${mtus.join(', ')} less 4 per label)` : ''}`, evidence, fix);
    }
    const ping = s.command?.ping;
    if (!ping) return verdict('unknown', 'packet size unknown', evidence);
    const size = (ping.size ?? 56) + 28;
    const smallest = mtus.length ? Math.min(...mtus) - 4 : undefined;
    if (smallest === undefined) return verdict('unknown', 'tunnel MTU unknown', evidence);
    if (size > smallest && ping.dontFragment) {
      return verdict('confirmed', `${size}-byte packets with don't-fragment exceed the ${smallest} bytes the tunnel carries with one label`, evidence, `ping -M do -s ${smallest - 28} ...`);
    }
    if (size > smallest) return verdict('consistent', `${size}-byte packets exceed the ${smallest} bytes the tunnel carries with one label: they are fragmented`, evidence);
    return verdict('ruled_out', `${size}-byte packets fit the ${smallest} bytes the tunnel carries with one label`, evidence);
  },
});
