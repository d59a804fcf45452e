import type { CauseId } from '../causes/ids.js';
import { labelValue, parseCommandLine, sysctlInterface, normalizeSysctlKey, type CommandContext } from './command-line.js';
import { KNOWLEDGE, type KnowledgeEntry } from './knowledge.js';
import { cleanLine, parseTranscript } from './transcript.js';
import type { Subject } from './types.js';

/** A line the knowledge base knows, with what its pattern captured. */
export interface MatchedLine {
  readonly entry: KnowledgeEntry;
  readonly groups: Readonly<Record<string, string>>;
}

export function matchLine(line: string, knowledge: readonly KnowledgeEntry[] = KNOWLEDGE): MatchedLine | undefined {
  const text = line.trim();
  for (const entry of knowledge) {
    for (const re of entry.patterns) {
      const m = re.exec(text);
      if (m) {
        const groups: Record<string, string> = {};
        for (const [k, v] of Object.entries(m.groups ?? {})) if (v !== undefined) groups[k] = v;
        return { entry, groups };
      }
    }
  }
  return undefined;
}

/**
 * Output that reads as an error though no entry knows it: these become "unknown" findings.
 * Ordinary output (values, ping's header and round trips) does not.
 */
const ERRORISH = new RegExp(
  [
    '^Error:', '^RTNETLINK answers:', '^[\\w.-]+: (?:FATAL|error|ERROR)\\b', '\\bfailed\\b', '^Cannot ', '\\bcannot\\b',
    'does not exist', 'No such (?:file|device|process)', 'not permitted', '[Pp]ermission denied', 'is an unknown key',
    '[Nn]etwork is (?:unreachable|down)', 'Destination (?:Host|Net|Port) Unreachable', 'not supported',
    '\\d+ packets transmitted, 0 received', '100% packet loss', '[Ii]nvalid argument', 'Unknown device', 'Frag needed',
  ].join('|'),
);

export const looksLikeError = (line: string): boolean => ERRORISH.test(line);

/** The sub-command that printed the message: the last one of the entry's tools, else the last one. */
export function commandFor(entry: KnowledgeEntry | undefined, commandLine: string | undefined): CommandContext | undefined {
  if (commandLine === undefined || commandLine.trim() === '') return undefined;
  const parts = parseCommandLine(commandLine);
  if (parts.length === 0) return undefined;
  const own = entry ? parts.filter((p) => entry.tools.includes(p.tool)) : [];
  return own.at(-1) ?? parts.at(-1);
}

/** What the finding is about: the message's captures first, then the command, then the options. */
export function subjectOf(
  match: MatchedLine | undefined,
  command: CommandContext | undefined,
  opts: { iface?: string; labels: readonly number[]; netns?: string },
): Subject {
  const g = match?.groups ?? {};
  const key = g.key !== undefined ? normalizeSysctlKey(g.key) : g.path !== undefined ? g.path.replace(/^\/proc\/sys\//, '').replace(/\//g, '.') : command?.sysctl[0]?.key;
  const value = command?.sysctl.find((s) => s.key === key)?.value ?? command?.sysctl[0]?.value;
  const labels = [...(g.label !== undefined ? [g.label] : []), ...(command?.labels ?? []).filter((l) => l !== g.label)];
  const iface = g.iface ?? (key ? sysctlInterface(key) : undefined) ?? command?.devices[0] ?? opts.iface;
  const address = command?.kind === 'ip-route' && command.verb === 'get' ? command.prefix : viaOf(command);
  const module = g.module?.replace(/-/g, '_') ?? command?.modules[0];
  return {
    labels,
    givenLabels: opts.labels,
    ...(iface !== undefined ? { iface } : {}),
    ...(opts.iface !== undefined ? { givenIface: opts.iface } : {}),
    ...(command?.prefix !== undefined && command.verb !== 'get' ? { prefix: command.prefix } : {}),
    ...(address !== undefined ? { address } : {}),
    ...(module !== undefined ? { module } : {}),
    ...(key !== undefined ? { key } : {}),
    ...(value !== undefined ? { value } : {}),
    ...(g.mtu !== undefined ? { mtu: Number(g.mtu) } : {}),
    ...(command ? { command } : {}),
    ...(opts.netns ? { netns: opts.netns } : {}),
  };
}

function viaOf(command: CommandContext | undefined): string | undefined {
  if (!command || command.kind !== 'ip-route') return undefined;
  const at = command.argv.indexOf('via');
  if (at === -1) return undefined;
  const next = command.argv[at + 1];
  return next === 'inet' || next === 'inet6' ? command.argv[at + 2] : next;
}

/** The candidates for a matched line: the first command rule that holds, else the entry's own list. */
export function candidatesFor(entry: KnowledgeEntry, subject: Subject): readonly CauseId[] {
  const c = subject.command;
  for (const rule of entry.rules ?? []) {
    if (rule.kinds && (!c || !rule.kinds.includes(c.kind))) continue;
    if (rule.encap !== undefined && (c?.encap === 'mpls') !== rule.encap) continue;
    if (rule.linkTypes && (!c?.linkType || !rule.linkTypes.includes(c.linkType))) continue;
    if (rule.key && (!subject.key || !rule.key.test(subject.key))) continue;
    if (rule.modules && (!subject.module || !rule.modules.includes(subject.module))) continue;
    return rule.causes;
  }
  return entry.causes;
}

/** Labels as numbers, where they are numbers. */
export const numericLabels = (labels: readonly string[]): number[] => labels.map(labelValue).filter((n): n is number => n !== undefined);

/**
 * The lines to diagnose, each with its command: the one MESSAGE, or every line of a transcript
 * that a knowledge entry matches or that reads as an error. A message with line breaks is a
 * transcript.
 */
export function errorLines(input: { kind: 'message' | 'transcript'; text: string }, command?: string): { line: string; command: string | undefined }[] {
  if (input.kind === 'message' && !/\n\s*\S/.test(input.text.trim())) {
    return [{ line: cleanLine(input.text).trim(), command }];
  }
  return parseTranscript(input.text, command)
    .filter((l) => matchLine(l.line) !== undefined || looksLikeError(l.line))
    .map((l) => ({ line: l.line, command: l.command }));
}
