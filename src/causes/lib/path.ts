import type { Evidence } from '../../core/check.js';
import type { PathContext, PathFacts, RootCause, Stage, Subject } from '../types.js';
import { rank } from './rank.js';
import { STAGE_CAUSES } from './stages.js';

/** How verify asks about one end: its tunnel, and the label the sender pushes. */
const subjectOf = (end: PathFacts, label: number): Subject => ({ labels: [], givenLabels: [label], givenIface: end.iface, iface: end.iface });

const line = (host: string, e: Evidence): string => (e.source ? `${host}: ${e.source}: ${e.value}` : e.value);

/**
 * The cause of a failed direction, from where its packets stopped (the stage names the
 * candidates, as a message does in diagnose), the facts of the end it points at, and the
 * counters that moved while the direction was tried. "certain" only when a setting found on
 * the host, or a counter that moved by the packets lost, explains the stage by itself.
 */
export function rootCause(stage: Stage, c: PathContext): RootCause {
  const entry = STAGE_CAUSES[stage];
  const end = c[entry.at];
  const extra = [...(c.evidence ?? [])];
  const { causes } = rank({ candidates: entry.causes, subject: subjectOf(end, c.label), facts: end.facts, path: { ...c, stage, at: entry.at } });
  const top = causes[0];
  if (!top || top.confidence === 'possible') return { id: null, confidence: 'possible', explanation: entry.none(c), evidence: extra };
  const evidence = top.evidence.map((e) => line(end.host, e));
  return {
    id: top.id, confidence: top.confidence, explanation: top.explanation,
    evidence: [...evidence, ...extra.filter((e) => !evidence.includes(e))], fix: top.fix,
  };
}
