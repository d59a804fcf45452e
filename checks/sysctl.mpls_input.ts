import { defineCheck } from '../src/core/check.js';
import { moduleFacts, type ModuleFacts } from '../src/probes/modules.js';
import { interfaceFacts, readSysctl, type InterfaceFacts, type SysctlValue } from '../src/probes/sysctl.js';
import { routerFirst } from './lib/router-first.js';

interface Facts {
  readonly iface?: InterfaceFacts;
  readonly mplsActive: boolean;
  readonly input?: SysctlValue;
  readonly router: ModuleFacts;
}

/** Device types older kernels' af_mpls.c gave an MPLS configuration (6.1 gives every device one). */
const MPLS_CAPABLE_TYPES = new Map([[1, 'ether'], [772, 'loopback'], [778, 'ipgre'], [823, 'ip6gre'], [776, 'sit'], [768, 'ipip']]);

export default defineCheck<Facts>({
  id: 'sysctl.mpls_input',
  title: 'MPLS input on the tunnel (net.mpls.conf.IF.input)',
  severity: 'critical',
  remediation: 'sysctl -w net.mpls.conf.IF.input=1 on the tunnel interface',
  async collect(ctx) {
    const name = ctx.options.iface;
    const [labels, router] = await Promise.all([readSysctl(ctx, 'net', 'mpls', 'platform_labels'), moduleFacts(ctx, 'mpls_router')]);
    if (!name) return { mplsActive: labels.value !== undefined, router };
    const [iface, input] = await Promise.all([interfaceFacts(ctx, name), readSysctl(ctx, 'net', 'mpls', 'conf', name, 'input')]);
    return { iface, input, router, mplsActive: labels.value !== undefined };
  },
  evaluate(f) {
    if (!f.iface) return { status: 'skip', summary: 'no --iface given', evidence: [] };
    const name = f.iface.name;
    const fix = `sysctl -w net.mpls.conf.${name}.input=1`;
    const evidence = [
      { source: `/sys/class/net/${name}`, value: f.iface.exists ? `ifindex ${f.iface.ifindex ?? '?'}, type ${f.iface.type ?? '?'}, ${f.iface.operstate ?? '?'}` : 'absent' },
      ...(f.input ? [{ source: f.input.path, value: f.input.value ?? f.input.error ?? 'absent' }] : []),
    ];
    if (!f.mplsActive && f.router.state === 'loadable') {
      // net.mpls.conf appears when mpls_router loads, the tunnel when up creates it: a fresh host's state.
      return {
        status: 'warn',
        summary: `net.mpls.conf.${name}.input does not exist until mpls_router loads (loadable here)${f.iface.exists ? '' : ` and ${name} is created`}: mplsgre up loads the module${f.iface.exists ? '' : ', creates the tunnel'} and sets it to 1`,
        evidence,
        remediation: `${routerFirst(f.router)}${fix}`,
      };
    }
    if (!f.mplsActive) {
      return { status: 'fail', summary: `MPLS forwarding is not active (no /proc/sys/net/mpls): net.mpls.conf.${name}.input cannot exist (see kernel.mpls_router)`, evidence, remediation: `${routerFirst(f.router)}${fix}` };
    }
    if (!f.iface.exists) {
      return { status: 'fail', summary: `interface ${name} does not exist in this network namespace`, evidence, remediation: `create the tunnel (mplsgre up FILE, or ip tunnel add ${name} mode gre ...), then ${fix}` };
    }
    if (f.input?.value === undefined) {
      const type = f.iface.type;
      const kind = type === undefined ? 'unknown type' : MPLS_CAPABLE_TYPES.get(type) ?? `type ${type}`;
      return {
        status: 'fail',
        summary: `${name} (${kind}) has no MPLS configuration (older kernels give one only to Ethernet, loopback, GRE, SIT and IPIP devices)`,
        evidence,
        remediation: `use a GRE tunnel (ip tunnel add ${name} mode gre ...) for MPLS input`,
      };
    }
    if (f.input.value === '1') return { status: 'pass', summary: `MPLS input enabled on ${name}`, evidence };
    return { status: 'fail', summary: `MPLS input disabled on ${name} (input=${f.input.value}): labelled packets arriving on it are dropped`, evidence, remediation: fix };
  },
});
