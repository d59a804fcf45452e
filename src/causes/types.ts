import type { Evidence } from '../core/check.js';
import type { CommandContext } from '../diagnose/command-line.js';
import type { ModuleFacts } from '../probes/modules.js';
import type { CounterMove, Counters } from '../probes/mpls-counters.js';
import type { InterfaceFacts, SysctlValue } from '../probes/sysctl.js';
import type { PrivilegeFacts } from '../probes/tools.js';
import type { CauseId } from './ids.js';

/**
 * How sure a cause is, in `diagnose` and `verify` alike.
 * certain: the evidence (the message itself, a setting, a counter that moved) decides it.
 * likely: the facts agree with it, but do not prove it.
 * possible: nothing here can tell (the fault may be on the peer).
 */
export type Confidence = 'certain' | 'likely' | 'possible';

/** What the facts say of one candidate. */
export interface Assessment {
  /** confirmed: the facts decide it; consistent: they agree; unknown: they cannot tell; ruled_out. */
  readonly verdict: 'confirmed' | 'consistent' | 'unknown' | 'ruled_out';
  readonly explanation: string;
  readonly evidence: readonly Evidence[];
  readonly fix?: string;
}

/** What the finding is about, from the message, its command and the options (or verify's tunnel). */
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

/** One IPv4 policy rule. */
export interface PolicyRule {
  readonly priority: number;
  /** The table it looks up (`main`, `200`); absent for an action rule. */
  readonly table?: string;
  /** blackhole, unreachable, prohibit, goto, nop: what the rule does instead of a lookup. */
  readonly action?: string;
  readonly fwmark?: number;
  readonly fwmask?: number;
  /** Selectors other than the mark, as `key value` (`iif eth0`, `tos 0x10`): they narrow what the rule matches. */
  readonly selectors: readonly string[];
  /** The rule as `ip rule show` prints it. */
  readonly text: string;
}

/** One route for the overlay prefix, in the table that holds it. */
export interface TableRoute {
  readonly table: string;
  /** The labels it pushes (encap mpls), empty for a plain route. */
  readonly labels: readonly number[];
  readonly dev?: string;
  readonly text: string;
}

/** Everything a cause may look at on one host. Gathered by probes/cause-facts.ts; causes are pure over it. */
export interface HostFacts {
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
  /** The kernel's MPLS counters by tunnel, as totals since the device was made. */
  readonly counters: Readonly<Record<string, Reading<Counters>>>;
  readonly privileges?: PrivilegeFacts;
  /** What verify read of one end's tunnel before it sends (core/tunnel-presence.ts). */
  readonly presence?: PresenceFacts;
  /** IPv4 policy rules by priority (`ip -j rule show`): what a class's mark selects. */
  readonly policyRules?: Reading<readonly PolicyRule[]>;
  /** Routes for the subject's prefix (the overlay) in every table (`ip route show table all PREFIX`). */
  readonly overlayRoutes?: Reading<readonly TableRoute[]>;
  /** The mangle table's rules (`-A CHAIN ...` lines of `iptables-legacy-save -t mangle`): the classes' marks and outer DSCPs. */
  readonly mangle?: Reading<readonly string[]>;
}

/** One end's tunnel as verify finds it before sending: one batched read of /sys and /proc/net. */
export interface PresenceFacts {
  readonly host: string;
  readonly iface: string;
  /** null when the interface does not exist. */
  readonly flags: number | null;
  readonly overlayAddress: string;
  readonly addressPresent: boolean;
  readonly overlayPrefix: string;
  /** A route to the overlay prefix through the tunnel (any encapsulation). */
  readonly routePresent: boolean;
  /** The command that configures the tunnel (`mplsgre up FILE`), named as the fix. */
  readonly upCommand: string;
}

/** What one end's kernel says about the labelled path (engine/path-facts.ts reads it). */
export interface PathFacts {
  readonly host: string;
  readonly iface: string;
  /** What the shared collector read on this end: the causes judge these. */
  readonly facts: HostFacts;
  /** net.mpls.conf.IF.input; absent when the interface or mpls_router is. */
  readonly input?: string;
  readonly platformLabels?: number;
  readonly rp: { readonly all?: number | undefined; readonly lo?: number | undefined; readonly iface?: number | undefined };
  readonly mplsRoutes?: readonly { readonly label: number; readonly dev?: string }[];
  readonly tunnel?: { readonly up: boolean; readonly mtu?: number; readonly kind?: string; readonly local?: string; readonly remote?: string };
  /** `ip route show OVERLAY dev IF`, or null when there is no such route. */
  readonly overlayRoute: string | null;
  /** The labels that route pushes. */
  readonly pushes?: readonly number[];
}

/** Where, along one direction, the packets were last seen. */
export type Stage =
  | 'not_configured'
  | 'not_sent'
  | 'capture_incomplete'
  | 'not_labelled'
  | 'not_sent_in_gre'
  | 'wrong_endpoint'
  | 'not_on_wire'
  | 'not_delivered'
  | 'no_reply'
  | 'reply_not_labelled'
  | 'loss'
  | 'mtu'
  /** A traffic class's requests left the sender under another label than the class's (or unlabelled). */
  | 'class_wrong_label'
  /** A traffic class's requests crossed under the class label and were not answered (the peer does not pop it). */
  | 'class_not_delivered'
  /** A traffic class's requests left under the class label without the class's outer DSCP. */
  | 'class_outer_dscp'
  /** A traffic class's requests left under the class label with other MPLS traffic-class bits than its `tc`. */
  | 'class_tc_bits';

/** The cause of a failed verify direction: what `--json` prints as `directions[].rootCause`. */
export interface RootCause {
  /** A stable cause id (see diagnose), or null when the evidence names none. */
  readonly id: string | null;
  readonly confidence: Confidence;
  readonly explanation: string;
  readonly evidence: readonly string[];
  readonly fix?: string;
}

export interface PathContext {
  readonly label: number;
  readonly sender: PathFacts;
  readonly receiver: PathFacts;
  /** The receiver's and sender's underlay addresses, as the topology gives them. */
  readonly receiverUnderlay: string;
  readonly senderUnderlay: string;
  readonly overlayPrefix: string;
  /** Outer destinations of the sender's GRE requests, when they went elsewhere than the peer. */
  readonly greDestinations: readonly string[];
  /** MPLS counters that moved on the sender while the direction was tried. */
  readonly senderCounters?: readonly CounterMove[];
  /** MPLS counters that moved on the receiver while the direction was tried. */
  readonly receiverCounters?: readonly CounterMove[];
  /** Packets sent that did not come back. */
  readonly lost?: number;
  /** Lines the stage observed that the cause must cite (e.g. what a TCP transfer showed). */
  readonly evidence?: readonly string[];
  /** The traffic class verify tried, when the failure is a class's (its pings marked with the class's DSCP). */
  readonly trafficClass?: PathClass;
}

/** A traffic class as verify tried it: the sender's class, the DSCP its pings carried, the label seen instead. */
export interface PathClass {
  readonly name: string;
  /** The label the sender pushes for the class (the peer pops it). */
  readonly label: number;
  /** The mark the class's policy rule matches, and the routing table it selects. */
  readonly mark: number;
  readonly table: number;
  /** The DSCP the class's pings were marked with. */
  readonly dscp: number;
  /** Labels the class's requests carried inside GRE instead (empty: none left labelled). */
  readonly labelsSeen: readonly number[];
}

/** What verify adds when it asks a cause about a failed direction. */
export interface PathInput extends PathContext {
  readonly stage: Stage;
  /** The end the stage points at: the sender for a packet that never left, the receiver for one that arrived. */
  readonly at: 'sender' | 'receiver';
}

/** What a cause's assess reads: the facts of the host it is judged on, and verify's path when verify asks. */
export interface CauseInput {
  readonly subject: Subject;
  readonly facts: HostFacts;
  readonly path?: PathInput;
}

/**
 * The facts a cause reads; the collector reads only what the candidates ask for.
 * `tunnels`: which tunnels (the one named, else every configured one); `tunnel-*`: of those.
 */
export type FactNeed =
  | 'platform-labels'
  | 'module:mpls_router'
  | 'module:mpls_iptunnel'
  | 'module:ip_gre'
  | 'named-interface'
  | 'named-conf'
  | 'links'
  | 'tunnels'
  | 'tunnel-interfaces'
  | 'tunnel-input'
  | 'tunnel-counters'
  | 'tunnel-reach'
  | 'rp-filter'
  | 'mpls-routes'
  | 'pushed-labels'
  | 'subject-routes'
  | 'subject-reach'
  | 'privileges'
  | 'policy-rules'
  | 'overlay-routes'
  | 'mangle'
  | 'netfilter-modules';

/** One cause: data plus a pure verdict, as a check is. */
export interface CauseDefinition {
  readonly id: CauseId;
  /** One line a person reads first. */
  readonly title: string;
  /** What to do when nothing more specific is known; assess refines it from the facts. */
  readonly fix: string;
  /** The facts assess reads. */
  readonly reads: readonly FactNeed[];
  /** Must be pure: the same input gives the same answer, and nothing is read or run. */
  assess(input: CauseInput): Assessment;
}

export const defineCause = (c: CauseDefinition): CauseDefinition => c;

/** A candidate the facts leave standing, ranked. */
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

/** A candidate the facts exclude, with the evidence. */
export interface RuledOut {
  readonly id: CauseId;
  readonly explanation: string;
  readonly evidence: readonly Evidence[];
}
