import type { Evidence } from '../core/check.js';
import type { RankedCause, RuledOut } from '../causes/types.js';

/** One error line and what diagnose made of it: what `--json` prints in `result.findings`. */
export interface Finding {
  readonly message: string;
  /** The command that printed it, as pasted or given with --command; null when unknown. */
  readonly command: string | null;
  /** The knowledge entry it matched; null for a message mplsgre does not know. */
  readonly known: string | null;
  /** What the message means at its source. */
  readonly meaning?: string;
  /** Candidates, ranked: certain first, then likely, then possible. */
  readonly causes: readonly RankedCause[];
  /** Candidates the live facts exclude, with the evidence. */
  readonly ruledOut: readonly RuledOut[];
  /** What to do when no cause stands out. */
  readonly note?: string;
}

export type { CauseId } from '../causes/ids.js';
export type { Confidence, HostFacts, LinkFacts, RankedCause, Reading, RuledOut, Subject } from '../causes/types.js';
export type { CommandContext } from './command-line.js';
export type { Evidence };
