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
};

