import { STAGE_CAUSES } from '../causes/lib/stages.js';
import type { CauseId } from '../causes/ids.js';
import type { PathFacts, Stage, Subject } from '../causes/types.js';
import type { Host } from '../host/host.js';
import { collectFacts, pushedLabelsOf } from '../probes/cause-facts.js';
import { ProbeContext } from '../probes/context.js';

const CLASS_STAGES = new Set<Stage>(['class_wrong_label', 'class_not_delivered', 'class_outer_dscp']);
const causesOf = (withClasses: boolean): CauseId[] =>
  [...new Set(Object.entries(STAGE_CAUSES).filter(([s]) => withClasses || !CLASS_STAGES.has(s as Stage)).flatMap(([, e]) => e.causes))];
/** Every cause a stage of verify can name: what the collector reads of each end; the class stages' only when a class failed. */
const PATH_CAUSES = causesOf(false);
const WITH_CLASSES = causesOf(true);

const num = (s: string | undefined): number | undefined => (s !== undefined && /^\d+$/.test(s) ? Number(s) : undefined);

/**
 * What one end's kernel says about the labelled path: read only when a direction failed, by the
 * collector diagnose uses, for every cause a stage can name (counters included). With `classes`
 * (a traffic class failed), also what the class stages' causes read: the policy rules, the
 * overlay's routes in every table and the mangle table.
 */
export async function pathFacts(host: Host, name: string, iface: string, overlay: string, opts: { classes?: boolean } = {}): Promise<PathFacts> {
  // One probe context: the sysctls go to the host as one batched read.
  const ctx = new ProbeContext(host, { labels: [], iface });
  const subject: Subject = { labels: [], givenLabels: [], iface, givenIface: iface, ...(opts.classes ? { prefix: overlay } : {}) };
  const [facts, route] = await Promise.all([
    // A failed direction is worth a patient read: a loaded host must not turn a slow answer into a missing fact.
    collectFacts(ctx, opts.classes ? WITH_CLASSES : PATH_CAUSES, subject, { timeoutMs: 15_000 }),
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
