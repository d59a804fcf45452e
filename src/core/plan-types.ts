import type { CheckAction } from './plan-check.js';
import type { Target } from './target.js';
import type { Topology } from './topology.js';

/**
 * One change to a host. Kinds other than `exec` are carried out by the executor:
 * `sysctl-write` must record the previous value so `sysctl-restore` can put it back;
 * `modprobe` must record whether the module was already loaded so
 * `module-unload-if-loaded-by-us` unloads only what this run loaded.
 */
export type Action =
  | { readonly kind: 'exec'; readonly argv: readonly string[] }
  | { readonly kind: 'sysctl-write'; readonly key: string; readonly value: string }
  | { readonly kind: 'sysctl-restore'; readonly key: string }
  | { readonly kind: 'modprobe'; readonly module: string }
  | { readonly kind: 'module-unload-if-loaded-by-us'; readonly module: string };

export type StepKind = 'module' | 'link' | 'addr' | 'route' | 'mpls-route' | 'sysctl' | 'rule' | 'firewall' | 'qdisc';

/**
 * One reversible step. Contracts for the executor:
 * - steps run in order; undos run in reverse order, and only for steps whose `do` ran;
 * - when `check` reports the step in effect, `do` is skipped and so is its undo;
 * - `undo: null` means the object goes away when step `undoWith` is undone (`undoNote` says so);
 * - an `optional` step may fail without stopping the run.
 */
export interface Step {
  /** Stable id, "<host>.<area>.<what>", e.g. "A.link.add". */
  readonly id: string;
  readonly host: string;
  readonly kind: StepKind;
  /** For people: "create GRE tunnel foo4 10.128.0.2 -> 10.128.100.2". */
  readonly description: string;
  readonly do: Action;
  readonly undo: Action | null;
  /** Present whenever `undo` is null, and where the undo needs a word of explanation. */
  readonly undoNote?: string;
  /** The id of the earlier step whose undo removes this step's object, when `undo` is null. */
  readonly undoWith?: string;
  readonly check?: CheckAction;
  readonly optional?: true;
}

export interface HostPlan {
  readonly name: string;
  readonly target: Target;
  readonly steps: readonly Step[];
}

export interface Plan {
  readonly topology: Topology;
  readonly hosts: readonly HostPlan[];
}
