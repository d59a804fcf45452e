/**
 * A pasted terminal session: prompt lines are commands, the lines after them their output.
 * Pure; knows nothing of what the errors mean.
 */

/** One output line and the command that printed it (undefined before the first prompt). */
export interface TranscriptLine {
  readonly line: string;
  readonly command: string | undefined;
  /** 1-based line number in the paste. */
  readonly lineNumber: number;
}

/**
 * The prompt forms people paste: `# cmd`, `$ cmd`, `root@host:~# cmd`, `[root@host ~]# cmd`,
 * `user@host:/tmp$ cmd`, `(venv) user@host:~$ cmd`, `router:~# cmd`, `~ # cmd`.
 */
const PROMPT = /^\s*(?:\([^()\n]*\)\s*)?(?:\[[^\]\n]*\]|[\w.-]+@[\w.-]+(?::[^\s#$]*)?|[\w.-]+:[^\s#$]*|~)?\s*[#$](?:\s+(.*))?$/;

/** The command typed after a prompt; '' for a bare prompt; undefined when the line is output. */
export function promptCommand(line: string): string | undefined {
  const m = PROMPT.exec(line);
  if (!m) return undefined;
  return (m[1] ?? '').trim();
}

/** Terminal noise in pastes: colour codes, carriage returns, other control characters but tab. */
export const cleanLine = (s: string): string =>
  s.replace(/\u001b\[[0-9;?]*[ -/]*[@-~]/g, '').replace(/\r/g, '').replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '').trimEnd();

/**
 * Every output line of a transcript with its command. Lines before the first prompt belong to
 * `defaultCommand` (`--command`), when given.
 */
export function parseTranscript(text: string, defaultCommand?: string): TranscriptLine[] {
  const out: TranscriptLine[] = [];
  let command = defaultCommand;
  text.split('\n').forEach((raw, i) => {
    const line = cleanLine(raw);
    if (line.trim() === '') return;
    const typed = promptCommand(line);
    if (typed !== undefined) {
      command = typed === '' ? undefined : typed;
      return;
    }
    out.push({ line: line.trim(), command, lineNumber: i + 1 });
  });
  return out;
}

/** A word as a person would type it: quoted only when it needs to be. For display, never run. */
export function displayWord(w: string): string {
  if (w !== '' && /^[A-Za-z0-9_@%+=:,./-]+$/.test(w)) return w;
  return `'${w.replace(/'/g, `'\\''`)}'`;
}

export const displayCommand = (argv: readonly string[]): string => argv.map(displayWord).join(' ');

/** What a root terminal shows for one command: the prompt line, then stdout, then stderr. */
export function formatTranscript(argv: readonly string[], stdout: string, stderr: string): string {
  const body = (s: string): string => (s === '' || s.endsWith('\n') ? s : `${s}\n`);
  return `# ${displayCommand(argv)}\n${body(stdout)}${body(stderr)}`;
}
