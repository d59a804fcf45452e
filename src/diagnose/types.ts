import type { Evidence } from '../core/check.js';
import type { ModuleFacts } from '../probes/modules.js';
import type { InterfaceFacts, SysctlValue } from '../probes/sysctl.js';
import type { PrivilegeFacts } from '../probes/tools.js';
import type { CauseId } from './causes.js';
import type { CommandContext } from './command-line.js';

/**
 * certain: the evidence (the message itself, or a live probe) decides it.
 * likely: the live facts agree with it, but do not prove it.
 * possible: nothing here can tell (the fault may be on the peer).
 */
export type Confidence = 'certain' | 'likely' | 'possible';

export interface RankedCause {
  readonly id: CauseId;
  readonly title: string;
  readonly confidence: Confidence;
  /** Why, on this host, in one or two sentences. */
  readonly explanation: string;
  readonly evidence: readonly Evidence[];
  /** Commands or steps that fix it here. */
  readonly fix: string;
}

export interface RuledOut {
  readonly id: CauseId;
  readonly explanation: string;
  readonly evidence: readonly Evidence[];
}

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

/** What the finding is about, from the message, its command and the options. */
export interface Subject {
  /** Labels named, as typed (may be out of range or not numbers). */
  readonly labels: readonly string[];
  /** --labels: the labels of the tunnel. */
  readonly givenLabels: readonly number[];
  /** The interface the message or command names. */
  readonly iface?: string;
  /** --iface. */
  readonly givenIface?: string;
  readonly prefix?: string;
  /** An address whose reachability matters (ip route get X, a gateway). */
  readonly address?: string;
  readonly module?: string;
  readonly key?: string;
  readonly value?: string;
  readonly mtu?: number;
  readonly command?: CommandContext;
  /** The namespace diagnose examines (--netns): fixes run there. */
  readonly netns?: string;
}

export interface LinkFacts {
  readonly name: string;
  readonly kind?: string;
  readonly local?: string;
  readonly remote?: string;
  readonly up: boolean;
  readonly operstate?: string;
  readonly mtu?: number;
  readonly addresses: readonly string[];
}

/** One probe's reading: its value, where it came from, or why it could not be read. */
export interface Reading<T> {
  readonly value?: T;
  readonly source: string;
  readonly error?: string;
}

/** Everything the ranker may look at. Gathered by collectFacts; the ranker is pure over it. */
export interface DiagnoseFacts {
  readonly platformLabels?: SysctlValue;
  readonly modules: Readonly<Record<string, ModuleFacts>>;
  readonly interfaces: Readonly<Record<string, InterfaceFacts>>;
  /** net.mpls.conf.IF.input by interface. */
  readonly mplsInput: Readonly<Record<string, SysctlValue>>;
  /** rp_filter by device: all, lo, tunnels. */
  readonly rpFilter: Readonly<Record<string, SysctlValue>>;
  /** TcpExt IPReversePathFilter: packets reverse-path filtering dropped. */
  readonly rpFilterDrops?: Reading<number>;
  /** Links with their kind, endpoints and addresses (ip -j -d address show). */
  readonly links?: Reading<readonly LinkFacts[]>;
  /** Labels with an MPLS route. */
  readonly mplsRoutes?: Reading<readonly number[]>;
  /** Labels this host pushes (encap mpls on its IP routes). */
  readonly pushedLabels?: Reading<readonly number[]>;
  /** IP routes with exactly this prefix, by prefix. */
  readonly routes: Readonly<Record<string, Reading<number>>>;
  /** `ip route get` by address: the device, or the error. */
  readonly reach: Readonly<Record<string, Reading<string>>>;
  /** Neighbour state by address. */
  readonly neighbours: Readonly<Record<string, Reading<string>>>;
  /** MPLS receive counters by interface. */
  readonly mplsStats: Readonly<Record<string, Reading<{ readonly rxDropped: number; readonly rxNoroute: number }>>>;
  readonly privileges?: PrivilegeFacts;
}

export type { CauseId, CommandContext };
