import { captureDecode, type CaptureDecodeResult } from '../commands/capture-decode.js';
import { ExitCode, UsageError } from '../core/errors.js';
import { oneLine, pad } from '../report/check-text.js';
import { COMMON_OPTIONS, type CliCommand } from './command.js';
import { interruptible, SIGNAL_EXIT } from './interrupt.js';

/** For people: packets per label stack and direction, and echo counts, instead of a wall of lines. */
export function renderCaptureSummary(file: string, r: CaptureDecodeResult): string {
  const s = r.summary;
  const lines = [
    `${oneLine(file)}: ${r.format}, ${r.count} packets, ${s.labelled} labelled${s.truncated ? `, ${s.truncated} truncated` : ''}${s.errors ? `, ${s.errors} undecodable (first: ${oneLine(s.firstError ?? '')})` : ''}`,
    '',
    `${pad('LABELS', 14)}${pad('FROM', 40)}${pad('TO', 40)}PACKETS`,
    ...s.stacks.map((x) => `${pad(x.labels.length ? x.labels.join('/') : '-', 14)}${pad(oneLine(x.src ?? '?'), 40)}${pad(oneLine(x.dst ?? '?'), 40)}${x.packets}`),
  ];
  if (s.echoes.length) {
    lines.push('', `${pad('ECHO', 14)}${pad('FROM', 40)}${pad('TO', 40)}REQUESTS/REPLIES`);
    for (const e of s.echoes) lines.push(`${pad(e.labels.length ? e.labels.join('/') : '-', 14)}${pad(oneLine(e.src), 40)}${pad(oneLine(e.dst), 40)}${e.requests}/${e.replies}`);
  }
  return lines.join('\n') + '\n';
}

export const capture: CliCommand = {
  name: 'capture',
  summary: 'decode a pcap, pcapng or tcpdump text capture of MPLS in GRE',
  usage: 'mplsgre capture decode FILE|- [--json]   (- reads standard input as it comes: tcpdump -U -w - ... | mplsgre capture decode -)',
  formats: ['text'],
  options: { ...COMMON_OPTIONS },
  async run(values, positionals) {
    const [verb, file, ...extra] = positionals;
    if (verb !== 'decode') throw new UsageError('subcommand', `expected "decode" (got ${verb === undefined ? 'nothing' : `"${verb}"`})`);
    if (!file || extra.length) throw new UsageError('FILE', 'exactly one capture file (or - for standard input) is required');
    const json = Boolean(values.json) || values.format === 'json';
    if (file !== '-') {
      const r = await captureDecode({ file, json });
      return { result: r, exitCode: ExitCode.ok, render: { text: () => renderCaptureSummary(file, r) } };
    }
    // A live pipe ends with Ctrl-C: the input ends there, and what was read is summarised.
    const sig = interruptible();
    try {
      const r = await captureDecode({ file, json, input: process.stdin, signal: sig.signal });
      const interrupted = sig.interrupted();
      return { result: r, exitCode: interrupted ? (SIGNAL_EXIT[interrupted] ?? 1) : ExitCode.ok, render: { text: () => renderCaptureSummary('stdin', r) } };
    } finally {
      sig.dispose();
    }
  },
};
