import type { CauseId } from './ids.js';
import type { CauseDefinition } from './types.js';
import classMarkMissing from './class_mark_missing.js';
import classRuleMissing from './class_rule_missing.js';
import classRuleShadowed from './class_rule_shadowed.js';
import classRouteMissing from './class_route_missing.js';
import classLabelNotRouted from './class_label_not_routed.js';
import classOuterDscpMissing from './class_outer_dscp_missing.js';
import ruleTosUnsupported from './rule_tos_unsupported.js';
import netfilterModuleMissing from './netfilter_module_missing.js';
import deviceDown from './device_down.js';
import interfaceExists from './interface_exists.js';
import interfaceMissing from './interface_missing.js';
import interfaceNotMplsCapable from './interface_not_mpls_capable.js';
import ipGreMissing from './ip_gre_missing.js';
import labelNotRouted from './label_not_routed.js';
import labelOutOfRange from './label_out_of_range.js';
import labelReserved from './label_reserved.js';
import labelTtlExpired from './label_ttl_expired.js';
import mplsInputDisabled from './mpls_input_disabled.js';
import mplsIptunnelMissing from './mpls_iptunnel_missing.js';
import mplsRouterMissing from './mpls_router_missing.js';
import mtuExceeded from './mtu_exceeded.js';
import notPrivileged from './not_privileged.js';
import overlayAddressAbsent from './overlay_address_absent.js';
import overlayRouteAbsent from './overlay_route_absent.js';
import platformLabelsTooSmall from './platform_labels_too_small.js';
import routeAbsent from './route_absent.js';
import routeExists from './route_exists.js';
import routeNotLabelled from './route_not_labelled.js';
import rpFilterStrict from './rp_filter_strict.js';
import sysctlValueInvalid from './sysctl_value_invalid.js';
import tunnelEndpointMismatch from './tunnel_endpoint_mismatch.js';
import tunnelExists from './tunnel_exists.js';
import underlayUnreachable from './underlay_unreachable.js';

/** Every cause, one module each (src/causes/ID.ts), in the order of CAUSE_IDS. Ids are stable: reports key on them. */
export const CAUSES: readonly CauseDefinition[] = [
  mplsRouterMissing,
  mplsIptunnelMissing,
  ipGreMissing,
  platformLabelsTooSmall,
  labelReserved,
  labelOutOfRange,
  routeExists,
  routeAbsent,
  interfaceExists,
  tunnelExists,
  deviceDown,
  interfaceMissing,
  interfaceNotMplsCapable,
  rpFilterStrict,
  mplsInputDisabled,
  labelNotRouted,
  mtuExceeded,
  tunnelEndpointMismatch,
  underlayUnreachable,
  notPrivileged,
  sysctlValueInvalid,
  routeNotLabelled,
  overlayAddressAbsent,
  overlayRouteAbsent,
  labelTtlExpired,
  classMarkMissing,
  classRuleMissing,
  classRuleShadowed,
  classRouteMissing,
  classLabelNotRouted,
  classOuterDscpMissing,
  ruleTosUnsupported,
  netfilterModuleMissing,
];

const BY_ID = new Map<string, CauseDefinition>(CAUSES.map((c) => [c.id, c]));

/** The cause of an id; every CauseId has one (a meta-test holds the registry to CAUSE_IDS). */
export const causeById = (id: CauseId): CauseDefinition => BY_ID.get(id)!;

export { CAUSE_IDS, isCauseId, type CauseId } from './ids.js';
