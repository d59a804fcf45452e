import { causeById } from '../index.js';
import type { CauseId } from '../ids.js';
import type { Assessment, CauseInput, Confidence, RankedCause, RuledOut } from '../types.js';

export const CONFIDENCE: Record<Assessment['verdict'], Confidence | undefined> = { confirmed: 'certain', consistent: 'likely', unknown: 'possible', ruled_out: undefined };
export const CONFIDENCE_ORDER: readonly Confidence[] = ['certain', 'likely', 'possible'];

export interface RankInput extends CauseInput {
  readonly candidates: readonly CauseId[];
  /** The message alone names the cause (a knowledge entry's `decisive`). */
  readonly decisive?: boolean;
}

/**
 * Assesses each candidate over the facts and ranks them: certain first, then likely, then
 * possible, in candidate order within each. Pure: the same facts give the same answer. A
 * decisive message with a single candidate is certain whatever the facts say now; when they
 * disagree, the explanation says the host has changed since.
 */
export function rank(input: RankInput): { causes: RankedCause[]; ruledOut: RuledOut[] } {
  const single = input.decisive === true && input.candidates.length === 1;
  const causes: RankedCause[] = [];
  const ruledOut: RuledOut[] = [];
  for (const id of input.candidates) {
    const cause = causeById(id);
    const a = cause.assess(input);
    let confidence = CONFIDENCE[a.verdict];
    let explanation = a.explanation;
    if (single && a.verdict !== 'confirmed') {
      explanation = a.verdict === 'ruled_out' ? `the message says so, but now ${a.explanation}: the host has changed since it was printed` : `the message says so; ${a.explanation}`;
      confidence = 'certain';
    }
    if (confidence === undefined) {
      ruledOut.push({ id, explanation, evidence: a.evidence });
      continue;
    }
    causes.push({ id, title: cause.title, confidence, explanation, evidence: a.evidence, fix: a.fix ?? cause.fix });
  }
  causes.sort((x, y) => CONFIDENCE_ORDER.indexOf(x.confidence) - CONFIDENCE_ORDER.indexOf(y.confidence));
  return { causes, ruledOut };
}
