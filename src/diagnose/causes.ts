/**
 * Why an MPLS-over-GRE setup fails, each with a stable id. Reports, `diagnose --json` and
 * `verify` key on the ids: never rename one, only add.
 */
export const CAUSE_IDS = [
  'mpls_router_missing',
  'mpls_iptunnel_missing',
  'ip_gre_missing',
  'platform_labels_too_small',
  'label_reserved',
  'label_out_of_range',
  'route_exists',
  'route_absent',
  'interface_exists',
  'tunnel_exists',
  'device_down',
  'interface_missing',
  'interface_not_mpls_capable',
  'rp_filter_strict',
  'mpls_input_disabled',
  'label_not_routed',
  'mtu_exceeded',
  'tunnel_endpoint_mismatch',
  'underlay_unreachable',
  'not_privileged',
  'sysctl_value_invalid',
  'route_not_labelled',
  'overlay_address_absent',
  'overlay_route_absent',
] as const;

export type CauseId = (typeof CAUSE_IDS)[number];

export interface Cause {
  readonly id: CauseId;
  /** One line a person reads first. */
  readonly title: string;
  /** What to do when nothing more specific is known; diagnose refines it from live facts. */
  readonly fix: string;
}

const persist = (m: string): string => `modprobe ${m} && echo ${m} >> /etc/modules-load.d/mpls.conf`;

/** Every cause, by id. A meta-test asserts the table and CAUSE_IDS agree. */
export const CAUSES: Readonly<Record<CauseId, Cause>> = {
  route_not_labelled: {
    id: 'route_not_labelled',
    title: 'the overlay route does not push the label (no encap mpls, or another label)',
    fix: 'ip route replace OVERLAY encap mpls LABEL dev IF',
  },
  overlay_address_absent: {
    id: 'overlay_address_absent',
    title: 'the host does not have its overlay address (on the tunnel)',
    fix: 'mplsgre up FILE (or ip address add OVERLAY/32 dev IF)',
  },
  overlay_route_absent: {
    id: 'overlay_route_absent',
    title: 'there is no route for the overlay prefix through the tunnel',
    fix: 'mplsgre up FILE (or ip route add OVERLAY encap mpls LABEL dev IF)',
  },
  mpls_router_missing: {
    id: 'mpls_router_missing',
    title: 'the kernel has no MPLS forwarding (mpls_router not loaded or not built)',
    fix: `${persist('mpls_router')}   # or boot a kernel built with CONFIG_MPLS_ROUTING`,
  },
  mpls_iptunnel_missing: {
    id: 'mpls_iptunnel_missing',
    title: 'the kernel cannot push labels on IP routes (mpls_iptunnel not loaded or not built)',
    fix: `${persist('mpls_iptunnel')}   # or boot a kernel built with CONFIG_MPLS_IPTUNNEL`,
  },
  ip_gre_missing: {
    id: 'ip_gre_missing',
    title: 'the kernel has no GRE tunnels (ip_gre not loaded or not built)',
    fix: `${persist('ip_gre')}   # or boot a kernel built with CONFIG_NET_IPGRE`,
  },
  platform_labels_too_small: {
    id: 'platform_labels_too_small',
    title: 'the label is not below net.mpls.platform_labels (0 in every new network namespace)',
    fix: 'sysctl -w net.mpls.platform_labels=65535 && echo net.mpls.platform_labels=65535 >> /etc/sysctl.d/90-mpls.conf',
  },
  label_reserved: {
    id: 'label_reserved',
    title: 'labels 0-15 are reserved (RFC 3032); 3 (implicit null) cannot be pushed',
    fix: 'use a label from 16 to 1048574',
  },
  label_out_of_range: {
    id: 'label_out_of_range',
    title: 'an MPLS label is a 20-bit number: 0 to 1048575',
    fix: 'use a label from 16 to 1048574',
  },
  route_exists: {
    id: 'route_exists',
    title: 'the route already exists',
    fix: 'use "replace" instead of "add" (ip route replace ..., ip -f mpls route replace ...), or delete the old route first',
  },
  route_absent: {
    id: 'route_absent',
    title: 'the route to delete does not exist',
    fix: 'nothing to delete: list the routes with ip route show (or ip -f mpls route show)',
  },
  interface_exists: {
    id: 'interface_exists',
    title: 'an interface with that name already exists',
    fix: 'reuse it, delete it first (ip link del NAME), or choose another name',
  },
  tunnel_exists: {
    id: 'tunnel_exists',
    title: 'a GRE tunnel with the same endpoints (and key) already exists',
    fix: 'reuse that tunnel, delete it (ip tunnel del NAME), or tell the two apart with a key',
  },
  device_down: {
    id: 'device_down',
    title: 'the interface is down',
    fix: 'ip link set IF up',
  },
  interface_missing: {
    id: 'interface_missing',
    title: 'the interface does not exist (in this network namespace)',
    fix: 'create the tunnel first (mplsgre up FILE, or ip tunnel add IF mode gre ...), or run in the namespace that holds it',
  },
  interface_not_mpls_capable: {
    id: 'interface_not_mpls_capable',
    title: 'the interface has no MPLS configuration (older kernels give one only to some device types)',
    fix: 'carry MPLS over a GRE, IPIP, SIT or Ethernet device, or use a kernel that enables MPLS on every device type',
  },
  rp_filter_strict: {
    id: 'rp_filter_strict',
    title: 'strict reverse-path filtering drops the packets a label route delivers',
    fix: 'sysctl -w net.ipv4.conf.all.rp_filter=2 && sysctl -w net.ipv4.conf.lo.rp_filter=2 (and the tunnel)',
  },
  mpls_input_disabled: {
    id: 'mpls_input_disabled',
    title: 'MPLS input is disabled on the tunnel: labelled packets arriving on it are dropped',
    fix: 'sysctl -w net.mpls.conf.IF.input=1',
  },
  label_not_routed: {
    id: 'label_not_routed',
    title: 'no MPLS route for the label the peer pushes: the packets are dropped on arrival',
    fix: 'ip -f mpls route add LABEL dev lo',
  },
  mtu_exceeded: {
    id: 'mtu_exceeded',
    title: 'the packet is larger than the tunnel path can carry',
    fix: 'send smaller packets, or lower the overlay MTU (GRE costs 24 bytes, each label 4)',
  },
  tunnel_endpoint_mismatch: {
    id: 'tunnel_endpoint_mismatch',
    title: 'the tunnel endpoints do not match this host or its peer',
    fix: 'ip tunnel change IF mode gre local THIS-HOST remote PEER (each end names the other)',
  },
  underlay_unreachable: {
    id: 'underlay_unreachable',
    title: 'the tunnel peer is not reachable over the underlay',
    fix: 'give this host a route to the peer (ip route get PEER must succeed) and check the link between them',
  },
  not_privileged: {
    id: 'not_privileged',
    title: 'the command ran without CAP_NET_ADMIN',
    fix: 'run it as root (sudo ...) or with CAP_NET_ADMIN in the network namespace',
  },
  sysctl_value_invalid: {
    id: 'sysctl_value_invalid',
    title: 'the kernel refused the value written to the sysctl',
    fix: 'net.mpls.platform_labels takes 0..1048575; net.mpls.conf.IF.input and rp_filter take 0, 1 (or 2 for rp_filter)',
  },
};

export const isCauseId = (s: string): s is CauseId => (CAUSE_IDS as readonly string[]).includes(s);
