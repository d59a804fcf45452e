import { defineCheck } from '../src/core/check.js';
import { kernelRelease, type KernelRelease } from '../src/probes/kernel.js';

type V = readonly [number, number, number];
const lt = (a: V, b: V): boolean => a[0] !== b[0] ? a[0] < b[0] : a[1] !== b[1] ? a[1] < b[1] : a[2] < b[2];

/** Kernel versions and what they lack for MPLS over GRE; `below` is exclusive. */
export const KNOWN_ISSUES: readonly { below: V; status: 'fail' | 'note'; text: string }[] = [
  { below: [4, 1, 0], status: 'fail', text: 'no MPLS forwarding: net/mpls (mpls_router, net.mpls.* sysctls) arrived in Linux 4.1' },
  { below: [4, 3, 0], status: 'fail', text: 'no MPLS encapsulation of IP routes: mpls_iptunnel (`ip route ... encap mpls`) arrived in Linux 4.3' },
  { below: [4, 19, 0], status: 'note', text: 'MPLS over ip6gre (IPv6 underlay) needs Linux 4.19 or later; IPv4 GRE works' },
];

export default defineCheck<KernelRelease>({
  id: 'kernel.version',
  title: 'Kernel version',
  severity: 'critical',
  remediation: 'boot Linux 4.3 or later (4.19 or later for an IPv6 underlay)',
  collect: (ctx) => kernelRelease(ctx),
  evaluate(f) {
    const evidence = [{ source: f.source, value: f.release ?? 'unreadable' }];
    if (!f.release) return { status: 'fail', summary: 'kernel release unreadable', evidence };
    if (!f.version) return { status: 'warn', summary: `${f.release}: not a version this check can compare`, evidence };
    const issues = KNOWN_ISSUES.filter((i) => lt(f.version!, i.below));
    const failing = issues.find((i) => i.status === 'fail');
    if (failing) return { status: 'fail', summary: `${f.release}: ${failing.text}`, evidence };
    const notes = issues.map((i) => `; note: ${i.text}`).join('');
    return { status: 'pass', summary: `${f.release} (MPLS over GRE needs 4.3 or later)${notes}`, evidence };
  },
});
