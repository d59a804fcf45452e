import { hostname } from 'node:os';
import type { Host } from '../host/host.js';
import { ProbeContext } from '../probes/context.js';
import { kernelRelease } from '../probes/kernel.js';
import { iproute2 } from '../probes/tools.js';
import { collectFacts } from '../probes/cause-facts.js';
import { candidatesFor, commandFor, errorLines, matchLine, subjectOf } from '../diagnose/matcher.js';
import { rank } from '../causes/lib/rank.js';
import type { CauseId } from '../causes/ids.js';
import type { Finding } from '../diagnose/types.js';
import { checkCommand, type CheckReport } from './check.js';

export interface DiagnoseOptions {
  readonly host: Host;
  /** One error line (MESSAGE), or a pasted transcript (`-`); a message with line breaks is a transcript. */
  readonly input: { readonly kind: 'message' | 'transcript'; readonly text: string };
  /** The command that printed MESSAGE (--command); in a transcript, the command of lines before the first prompt. */
  readonly command?: string;
  readonly iface?: string;
  readonly labels: readonly number[];
  readonly kernelConfig?: string;
}

/** The result of `mplsgre diagnose`: what `--json` prints as `result`. */
export interface DiagnoseReport {
  readonly target: string;
  readonly hostname: string;
  readonly kernel: string | undefined;
  readonly iproute2: string | undefined;
  readonly startedAt: string;
  readonly durationMs: number;
  readonly input: 'message' | 'transcript';
  readonly options: { command?: string; iface?: string; labels: readonly number[]; kernelConfig?: string };
  /** One per error line, in the order they appeared. */
  readonly findings: readonly Finding[];
  /** Messages mplsgre does not know; when any (or no error at all), `check` ran and is here. */
  readonly unknown: number;
  readonly check?: CheckReport;
}

/**
 * Matches each error line against the knowledge base, reads only the live facts its candidate
 * causes need (on `host`: this machine or a namespace), and ranks the causes. A message it does
 * not know is reported as such, and `check` runs so the reader still learns what is wrong.
 */
export async function diagnoseCommand(opts: DiagnoseOptions): Promise<DiagnoseReport> {
  const startedAt = new Date();
  const started = performance.now();
  const ctx = new ProbeContext(opts.host, {
    labels: opts.labels,
    ...(opts.iface ? { iface: opts.iface } : {}),
    ...(opts.kernelConfig ? { kernelConfig: opts.kernelConfig } : {}),
  });
  const lines = errorLines(opts.input, opts.command);
  const [release, ip, findings] = await Promise.all([
    kernelRelease(ctx),
    iproute2(ctx),
    Promise.all(lines.map((l) => diagnoseLine(ctx, l.line, l.command, opts))),
  ]);
  const unknown = findings.filter((f) => f.known === null).length;
  const check = unknown > 0 || findings.length === 0
    ? await checkCommand({
      host: opts.host, labels: opts.labels, ignore: [], failOn: 'fail',
      ...(opts.iface ? { iface: opts.iface } : {}),
      ...(opts.kernelConfig ? { kernelConfig: opts.kernelConfig } : {}),
    })
    : undefined;
  return {
    target: opts.host.name,
    hostname: hostname(),
    kernel: release.release,
    iproute2: ip.version,
    startedAt: startedAt.toISOString(),
    durationMs: Math.round(performance.now() - started),
    input: opts.input.kind,
    options: {
      labels: opts.labels,
      ...(opts.command !== undefined ? { command: opts.command } : {}),
      ...(opts.iface ? { iface: opts.iface } : {}),
      ...(opts.kernelConfig ? { kernelConfig: opts.kernelConfig } : {}),
    },
    findings,
    unknown,
    ...(check ? { check } : {}),
  };
}

/** Causes the message and command decide alone: where diagnose looks does not matter for them. */
const STATELESS = new Set<CauseId>(['label_reserved', 'label_out_of_range', 'not_privileged', 'sysctl_value_invalid']);

async function diagnoseLine(ctx: ProbeContext, message: string, commandLine: string | undefined, opts: DiagnoseOptions): Promise<Finding> {
  const match = matchLine(message);
  const command = commandFor(match?.entry, commandLine);
  const base = { message, command: commandLine ?? null };
  if (!match) {
    return {
      ...base, known: null, causes: [], ruledOut: [],
      note: 'mplsgre does not know this message; the readiness check of this host follows',
    };
  }
  const netns = opts.host.name.startsWith('netns:') ? opts.host.name.slice('netns:'.length) : undefined;
  const subject = subjectOf(match, command, { labels: opts.labels, ...(opts.iface ? { iface: opts.iface } : {}), ...(netns ? { netns } : {}) });
  const candidates = candidatesFor(match.entry, subject);
  if (candidates.length === 0) {
    return {
      ...base, known: match.entry.id, meaning: match.entry.meaning, causes: [], ruledOut: [],
      note: `${match.entry.meaning}; for this command it is not one of the MPLS-over-GRE causes mplsgre tracks`,
    };
  }
  const facts = await collectFacts(ctx, candidates, subject);
  const ranked = rank({ candidates, subject, facts, decisive: match.entry.decisive === true });
  const strong = ranked.causes.some((c) => c.confidence !== 'possible');
  // A configuration command is judged where it ran; a ping may have run on the peer.
  const stateless = candidates.every((c) => STATELESS.has(c));
  const elsewhere = command?.netns !== undefined && command.kind !== 'ping' && !stateless && command.netns !== netns
    ? `the command ran in namespace ${command.netns}, but this diagnosis read ${netns ? `namespace ${netns}` : 'the host\'s own namespace'}: run it with --netns ${command.netns}`
    : undefined;
  const note = elsewhere ?? (strong
    ? undefined
    : ranked.causes.length
      ? 'nothing on this host decides it: the packets may be lost on the peer; run mplsgre diagnose there with the same message (and --iface, --labels)'
      : 'every candidate is ruled out on this host as it is now: run the command again; if it still fails, run mplsgre diagnose on the peer');
  return { ...base, known: match.entry.id, meaning: match.entry.meaning, causes: ranked.causes, ruledOut: ranked.ruledOut, ...(note ? { note } : {}) };
}
