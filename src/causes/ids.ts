/**
 * Why an MPLS-over-GRE setup fails, each with a stable id. Reports, `diagnose --json` and
 * `verify` key on the ids: never rename one, only add. Each has its module, src/causes/ID.ts.
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
  'label_ttl_expired',
  'class_mark_missing',
  'class_rule_missing',
  'class_rule_shadowed',
  'class_route_missing',
  'class_label_not_routed',
  'class_outer_dscp_missing',
  'rule_tos_unsupported',
  'netfilter_module_missing',
] as const;

export type CauseId = (typeof CAUSE_IDS)[number];

export const isCauseId = (s: string): s is CauseId => (CAUSE_IDS as readonly string[]).includes(s);
