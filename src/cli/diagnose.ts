import { diagnoseCommand } from '../commands/diagnose.js';
import { ExitCode, UsageError } from '../core/errors.js';
import { MAX_CONFIG_BYTES } from '../probes/kernel.js';
import { parseIfName, parseLabels, parseNetnsName } from '../core/names.js';
import { quote } from '../core/show.js';
import { renderDiagnoseText } from '../report/diagnose-text.js';
import { COMMON_OPTIONS, type CliCommand } from './command.js';
import { requireSmallFile } from './io.js';
import { str } from './parse.js';
import { hostFromOptions, sshConfigOption } from './target.js';

/** A transcript is text a person pasted: more than this is not one. */
export const MAX_INPUT_BYTES = 1024 * 1024;
const MAX_COMMAND = 4096;
const STDIN_TIMEOUT_MS = 30_000;

/** Where `-` reads the transcript from: stdin, injectable for tests. */
export interface StdinSource {
  readonly isTTY?: boolean;
  read(): Promise<string>;
}

/** Reads all of stdin, bounded in size and time. */
export function processStdin(stream: NodeJS.ReadStream = process.stdin): StdinSource {
  return {
    isTTY: Boolean(stream.isTTY),
    read: () =>
      new Promise((resolve, reject) => {
        const chunks: Buffer[] = [];
        let size = 0;
        const timer = setTimeout(() => {
          cleanup();
          reject(new UsageError('MESSAGE', `- reads a transcript from stdin, and stdin did not end within ${STDIN_TIMEOUT_MS / 1000} s`));
        }, STDIN_TIMEOUT_MS);
        const onData = (c: Buffer): void => {
          size += c.length;
          if (size > MAX_INPUT_BYTES) {
            cleanup();
            reject(new UsageError('MESSAGE', `the transcript on stdin is over ${MAX_INPUT_BYTES} bytes`));
            return;
          }
          chunks.push(c);
        };
        const onEnd = (): void => {
          cleanup();
          resolve(Buffer.concat(chunks).toString('utf8'));
        };
        const onError = (err: Error): void => {
          cleanup();
          reject(new UsageError('MESSAGE', `cannot read stdin: ${err.message}`, err));
        };
        const cleanup = (): void => {
          clearTimeout(timer);
          stream.off('data', onData).off('end', onEnd).off('error', onError);
          stream.pause();
        };
        stream.on('data', onData).on('end', onEnd).on('error', onError);
        stream.resume();
      }),
  };
}

/** The one-line fields: a command is one line a person typed. */
function oneLineField(value: unknown, field: string, max: number): string {
  const s = str(value);
  if (s === undefined || s.trim() === '') throw new UsageError(field, 'is empty; give the command that printed the message, in quotes');
  if (s.length > max) throw new UsageError(field, `is ${s.length} characters; at most ${max}`);
  if (/[\n\r]/.test(s)) throw new UsageError(field, 'spans several lines; give one command, or paste the session on stdin with -');
  return s;
}

/** Builds the command with a stdin source (tests pass their own). */
export function diagnoseCli(stdin: () => StdinSource = () => processStdin()): CliCommand {
  return {
    name: 'diagnose',
    summary: 'which cause an error message has on this host, with the evidence and the fix',
    usage: `mplsgre diagnose [--command CMD] [--netns NAME | --ssh [user@]host[:port] [--ssh-config FILE]] [--iface IF] [--labels L,L] [--kernel-config PATH]
                [--format text|json] [--json] [--out FILE] (MESSAGE | -)

  MESSAGE   one error line as the tool printed it, in quotes
  -         read a pasted terminal session from stdin; every known error in it is diagnosed,
            with the command that printed it (lines starting with "# ", "$ " or a prompt)

Exit codes: 0 the diagnosis ran (whatever it found: it is a report), 2 bad usage, 3 environment error.
Each cause is certain (the evidence decides it), likely (the live facts agree) or possible.
An unknown message says so and includes the result of mplsgre check.`,
    formats: ['text'],
    options: {
      ...COMMON_OPTIONS,
      command: { type: 'string' },
      netns: { type: 'string' },
      ssh: { type: 'string' },
      'ssh-config': { type: 'string' },
      iface: { type: 'string' },
      labels: { type: 'string' },
      'kernel-config': { type: 'string' },
    },
    async run(values, positionals) {
      if (positionals.length === 0) throw new UsageError('MESSAGE', 'missing: give the error line in quotes, or - to read a transcript from stdin');
      if (positionals.length > 1) {
        throw new UsageError('MESSAGE', `${positionals.length} words given; quote the message as one argument ("${positionals.slice(0, 3).join(' ')} ...")`);
      }
      const message = positionals[0]!;
      const command = values.command === undefined ? undefined : oneLineField(values.command, '--command', MAX_COMMAND);
      const iface = values.iface === undefined ? undefined : parseIfName(str(values.iface) ?? '', '--iface');
      const labels = values.labels === undefined ? [] : parseLabels(str(values.labels) ?? '', '--labels');
      const netns = values.netns === undefined ? undefined : parseNetnsName(str(values.netns) ?? '', '--netns');
      const kernelConfig = str(values['kernel-config']);
      if (kernelConfig !== undefined) requireSmallFile(kernelConfig, '--kernel-config', MAX_CONFIG_BYTES, 'a kernel config');
      let input: { kind: 'message' | 'transcript'; text: string };
      if (message === '-') {
        const source = stdin();
        if (source.isTTY) throw new UsageError('MESSAGE', '- reads a transcript from stdin, but stdin is a terminal: pipe or redirect the session into it');
        const text = await source.read();
        if (text.trim() === '') throw new UsageError('MESSAGE', 'stdin was empty: paste the session, or give the message as an argument');
        input = { kind: 'transcript', text };
      } else {
        if (message.trim() === '') throw new UsageError('MESSAGE', 'is empty; give the error line in quotes');
        if (Buffer.byteLength(message) > MAX_INPUT_BYTES) throw new UsageError('MESSAGE', `is over ${MAX_INPUT_BYTES} bytes`);
        if (/[\u0000]/.test(message)) throw new UsageError('MESSAGE', `${quote(message.slice(0, 40))} contains a NUL byte`);
        input = { kind: 'message', text: message };
      }
      const host = await hostFromOptions({ netns, ssh: str(values.ssh), sshExtras: sshConfigOption(values['ssh-config']) });
      const report = await diagnoseCommand({
        host, input, labels,
        ...(command !== undefined ? { command } : {}),
        ...(iface ? { iface } : {}),
        ...(kernelConfig ? { kernelConfig } : {}),
      });
      return {
        result: report,
        exitCode: ExitCode.ok,
        render: { text: (style) => renderDiagnoseText(report, style) },
      };
    },
  };
}

export const diagnose: CliCommand = diagnoseCli();
