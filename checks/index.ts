import type { CheckDefinition } from '../src/core/check.js';
import bootPersistence from './boot.persistence.js';
import classIptables from './class.iptables.js';
import classNetfilter from './class.netfilter.js';
import classPolicyRouting from './class.policy_routing.js';
import classTc from './class.tc.js';
import hostPrivileges from './host.privileges.js';
import kernelIpGre from './kernel.ip_gre.js';
import kernelMplsGso from './kernel.mpls_gso.js';
import kernelMplsIptunnel from './kernel.mpls_iptunnel.js';
import kernelMplsRouter from './kernel.mpls_router.js';
import kernelVersion from './kernel.version.js';
import sysctlMplsInput from './sysctl.mpls_input.js';
import sysctlPlatformLabels from './sysctl.platform_labels.js';
import sysctlRpFilter from './sysctl.rp_filter.js';
import toolIproute2 from './tool.iproute2.js';
import toolTcpdump from './tool.tcpdump.js';

/** Every check, in report order. Ids are stable: reports, CI and monitoring key on them. */
export const CHECKS: readonly CheckDefinition<any>[] = [
  kernelVersion,
  kernelMplsRouter,
  kernelMplsIptunnel,
  kernelIpGre,
  kernelMplsGso,
  sysctlPlatformLabels,
  sysctlMplsInput,
  sysctlRpFilter,
  toolIproute2,
  toolTcpdump,
  hostPrivileges,
  bootPersistence,
  classPolicyRouting,
  classIptables,
  classNetfilter,
  classTc,
];
