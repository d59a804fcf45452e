import { STAGE_CAUSES } from '../causes/lib/stages.js';
import type { PathFacts, Subject } from '../causes/types.js';
import type { Host } from '../host/host.js';
import { collectFacts, pushedLabelsOf } from '../probes/cause-facts.js';
import { ProbeContext } from '../probes/context.js';

/** Every cause a stage of verify can name: what the collector reads of each end. */
const PATH_CAUSES = [...new Set(Object.values(STAGE_CAUSES).flatMap((e) => e.causes))];

const num = (s: string | undefined): number | undefined => (s !== undefined && /^\d+$/.test(s) ? Number(s) : undefined);

/**
 * What one end's kernel says about the labelled path: read only when a direction failed, by the
 * collector diagnose uses, for every cause a stage can name (counters included).
 */
export async function pathFacts(host: Host, name: string, iface: string, overlay: string): Promise<PathFacts> {
  // One probe context: the sysctls go to the host as one batched read.
  const ctx = new ProbeContext(host, { labels: [], iface });
  const subject: Subject = { labels: [], givenLabels: [], iface, givenIface: iface };
  const [facts, route] = await Promise.all([
    // A failed direction is worth a patient read: a loaded host must not turn a slow answer into a missing fact.
    collectFacts(ctx, PATH_CAUSES, subject, { timeoutMs: 15_000 }),
    host.exec('ip', ['route', 'show', overlay, 'dev', iface], { timeoutMs: 15_000 }),
  ]);
  const link = facts.links?.value?.find((l) => l.name === iface);
  const i = facts.interfaces[iface];
  const tunnel: PathFacts['tunnel'] = link
    ? {
      up: link.up,
      ...(link.mtu !== undefined ? { mtu: link.mtu } : {}),
      ...(link.kind ? { kind: link.kind } : {}),
      ...(link.local ? { local: link.local } : {}),
      ...(link.remote ? { remote: link.remote } : {}),
    }
    : i?.exists ? { up: ((i.flags ?? 0) & 1) === 1, ...(i.mtu !== undefined ? { mtu: i.mtu } : {}) } : undefined;
  const input = facts.mplsInput[iface]?.value;
  const platformLabels = num(facts.platformLabels?.value);
  const pushed = pushedLabelsOf(route.stdout);
  return {
    host: name, iface, facts,
    ...(input !== undefined ? { input } : {}),
    ...(platformLabels !== undefined ? { platformLabels } : {}),
    rp: { all: num(facts.rpFilter.all?.value), lo: num(facts.rpFilter.lo?.value), iface: num(facts.rpFilter[iface]?.value) },
    ...(facts.mplsRoutes?.value ? { mplsRoutes: facts.mplsRoutes.value.map((label) => ({ label })) } : {}),
    ...(tunnel ? { tunnel } : {}),
    overlayRoute: route.stdout.trim() || null,
    ...(pushed.length ? { pushes: pushed } : {}),
  };
}
