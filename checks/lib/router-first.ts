import type { ModuleFacts } from '../../src/probes/modules.js';

/** What must happen before net.mpls exists: a modprobe, or a different kernel. */
export function routerFirst(router: ModuleFacts): string {
  if (router.state === 'loadable') return 'modprobe mpls_router, then ';
  if (router.state === 'missing') return 'first fix kernel.mpls_router (this kernel has no MPLS forwarding), then ';
  return '';
}
