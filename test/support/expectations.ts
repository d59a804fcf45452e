import type { Status } from '../../src/core/check.js';

/**
 * Like ESLint's RuleTester: for each fixture recorded from a real kernel, the status every check
 * must give and a phrase its summary must contain.
 */
export const EXPECT: Record<string, Record<string, [Status, RegExp]>> = {
  host: {
    'kernel.version': ['pass', /^6\.18\./],
    'kernel.mpls_router': ['fail', /CONFIG_MPLS_ROUTING is not set; kernel has no module support/],
    'kernel.mpls_iptunnel': ['fail', /CONFIG_MPLS_IPTUNNEL is not set; kernel has no module support/],
    'kernel.ip_gre': ['fail', /CONFIG_NET_IPGRE is not set; kernel has no module support/],
    'kernel.mpls_gso': ['warn', /CONFIG_NET_MPLS_GSO is not set/],
    'sysctl.platform_labels': ['fail', /absent .*not active/],
    'sysctl.mpls_input': ['fail', /MPLS forwarding is not active/],
    'tool.iproute2': ['pass', /supports -f mpls, encap mpls, -json/],
    'boot.persistence': ['skip', /nothing configured for MPLS over GRE here/],
  },
  'uml-fresh': {
    'kernel.version': ['pass', /^6\.1\.176/],
    'kernel.mpls_router': ['warn', /loadable, not loaded .*mpls_router\.ko/],
    'kernel.mpls_iptunnel': ['warn', /loadable/],
    'kernel.ip_gre': ['warn', /loadable, not loaded .*ip_gre\.ko/],
    'kernel.mpls_gso': ['warn', /loadable/],
    'sysctl.platform_labels': ['warn', /does not exist until mpls_router loads .*mplsgre up loads the module and sets it to 65535/],
    'sysctl.mpls_input': ['warn', /does not exist until mpls_router loads .*foo4 is created: mplsgre up loads the module, creates the tunnel and sets it to 1/],
    'sysctl.rp_filter': ['pass', /lo 0/],
    'boot.persistence': ['skip', /nothing configured/],
    // no --classes: nothing read, never a warning
    'class.policy_routing': ['skip', /^not asked: traffic classes are checked with --classes$/],
    'class.netfilter': ['skip', /^not asked/],
    'class.tc': ['skip', /^not asked/],
  },
  'uml-hidden-modules': {
    'kernel.mpls_router': ['fail', /CONFIG_MPLS_ROUTING=m but the module file is absent for 6\.1\.176/],
    'kernel.ip_gre': ['fail', /CONFIG_NET_IPGRE=m but the module file is absent/],
    'kernel.mpls_gso': ['warn', /module file is absent/],
    'sysctl.platform_labels': ['fail', /absent .*not active/],
    'sysctl.mpls_input': ['fail', /MPLS forwarding is not active/],
  },
  'uml-seed': {
    'kernel.mpls_router': ['pass', /loaded/],
    'kernel.mpls_iptunnel': ['pass', /loaded/],
    'kernel.ip_gre': ['pass', /loaded/],
    'kernel.mpls_gso': ['pass', /loaded/],
    'sysctl.platform_labels': ['pass', /65535 labels, enough for label 101/],
    'sysctl.mpls_input': ['pass', /enabled on foo4/],
    'sysctl.rp_filter': ['pass', /lo 2 \(loose\), foo4 2 \(loose\)/],
    // set up by hand, not by mplsgre: no state record, so the runtime-only settings are what is named
    'boot.persistence': ['warn', /modules mpls_router, mpls_iptunnel, ip_gre loaded now but listed nowhere to load at boot; net\.mpls\.platform_labels is 65535 at runtime only/],
  },
  'uml-seed-rpfilter-strict': {
    'sysctl.rp_filter': ['fail', /strict reverse-path filtering on lo, foo4/],
    'sysctl.mpls_input': ['pass', /enabled/],
  },
  'uml-seed-input-off': {
    'sysctl.platform_labels': ['fail', /is 100: label 101 needs at least 102/],
    'sysctl.mpls_input': ['fail', /disabled on foo4 \(input=0\)/],
    'boot.persistence': ['warn', /platform_labels is 100 at runtime only/],
  },
  'boot-installed': {
    'kernel.mpls_router': ['pass', /loaded/],
    'sysctl.platform_labels': ['pass', /65535 labels, enough for label 101/],
    'sysctl.mpls_input': ['pass', /enabled on foo4/],
    'boot.persistence': ['pass', /^foo4 \(host A\) by mplsgre-foo4-A\.service at every boot; modules listed to load; platform_labels 65535 set by the unit's up$/],
  },
  'boot-no-unit': {
    'sysctl.platform_labels': ['pass', /65535 labels/],
    'boot.persistence': ['warn', /tunnel foo4 \(host A, set up by mplsgre up\) has no boot unit: it is gone after a reboot.*platform_labels is 65535 at runtime only/],
  },
  'boot-sysctl-trap': {
    'boot.persistence': ['warn', /^lost at reboot: \/etc\/sysctl\.d\/90-mpls\.conf:1 sets net\.mpls\.conf\.foo4\.input, applied at boot before foo4 exists and lost \(systemd issue 35487\)$/],
  },
  // check --classes: the class.* checks read and judge
  'host-classes': {
    'class.policy_routing': ['pass', /CONFIG_IP_MULTIPLE_TABLES=y/],
    'class.iptables': ['pass', /^iptables-legacy 1\.8\.9$/],
    'class.netfilter': ['pass', /^iptable_mangle built in, xt_dscp built in, xt_mark built in, xt_u32 built in, xt_DSCP built in$/],
    'class.tc': ['warn', /sch_ingress built in, cls_flower missing, act_mpls missing: CONFIG_NET_CLS_FLOWER is not set; kernel has no module support.*only classes with `tc:` need it/],
    'kernel.mpls_router': ['fail', /kernel has no module support/],
  },
  'uml-classes-fresh': {
    'class.policy_routing': ['pass', /fib rules readable \(3 rules; no kernel config to read\)/],
    'class.iptables': ['pass', /^iptables-legacy 1\.8\.9$/],
    'class.netfilter': ['warn', /^iptable_mangle loadable, xt_dscp loadable, xt_mark loadable, xt_u32 loadable, xt_DSCP loadable$/],
    'class.tc': ['warn', /^tc 6\.1\.0; sch_ingress loadable, cls_flower loadable, act_mpls loadable$/],
  },
  'uml-classes-hidden-modules': {
    'class.policy_routing': ['pass', /CONFIG_IP_MULTIPLE_TABLES=y/],
    'class.netfilter': ['fail', /iptable_mangle missing.*CONFIG_IP_NF_MANGLE=m but the module file is absent for 6\.1\.176/],
    'class.tc': ['warn', /act_mpls missing.*CONFIG_NET_ACT_MPLS=m but the module file is absent.*only classes with `tc:` need it/],
  },
  'uml-classes-loaded': {
    'class.policy_routing': ['pass', /fib rules readable/],
    'class.iptables': ['pass', /iptables-legacy/],
    'class.netfilter': ['pass', /^iptable_mangle loaded, xt_dscp loaded, xt_mark loaded, xt_u32 loaded, xt_DSCP loaded$/],
    'class.tc': ['pass', /^tc 6\.1\.0; sch_ingress loaded, cls_flower loaded, act_mpls loaded$/],
  },
};
