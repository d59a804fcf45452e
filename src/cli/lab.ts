import { writeFile } from 'node:fs/promises';
import { labCommand, runLab, guestProgress, seedFile, type LabResult } from '../commands/lab.js';
import { ExitCode, UsageError } from '../core/errors.js';
import { loadTopology } from '../core/topology.js';
import { paint, type Style } from '../report/style.js';
import { COMMON_OPTIONS, type CliCommand } from './command.js';
import { interruptible, SIGNAL_EXIT } from './interrupt.js';
import { intOption, str } from './parse.js';

function renderLab(r: LabResult, style: Style): string {
  const where = r.where === 'uml' ? `user-mode Linux ${r.kernel ?? ''} (${r.reason})` : `this kernel ${r.kernel ?? ''}`;
  return `${paint(style, r.ok ? 'green' : 'red', r.ok ? 'Lab passed' : 'Lab failed')} on ${where} in ${r.durationMs} ms${r.error ? `: ${r.error}` : ''}` +
    (r.leftBehind.length ? `\nLeft behind: ${r.leftBehind.join('; ')}` : '') + '\n';
}

export const lab: CliCommand = {
  name: 'lab',
  summary: 'the seed setup end to end: namespaces, up, verify, down (in user-mode Linux where this kernel cannot)',
  usage: 'mplsgre lab [FILE] [--count N] [--keep] [--uml] [--json]   (FILE defaults to the embedded seed topology)',
  formats: ['text'],
  options: { ...COMMON_OPTIONS, count: { type: 'string' }, keep: { type: 'boolean' }, uml: { type: 'boolean' }, 'inside-uml': { type: 'string' } },
  async run(values, positionals, ctx) {
    if (positionals.length > 1) throw new UsageError('FILE', `one topology file at most, got ${positionals.length} arguments`);
    const seed = positionals[0] === undefined ? await seedFile() : undefined;
    const file = positionals[0] ?? seed?.file ?? '';
    const count = intOption(values.count, '--count', 1, 10_000, 5);
    const guestResult = str(values['inside-uml']);
    const sig = interruptible();
    try {
      if (guestResult) {
        // Inside user-mode Linux: run the lab here, report to the host through a file.
        const r = await runLab(await loadTopology(file), { file, count, keep: false, uml: false, signal: sig.signal, progress: guestProgress }, undefined);
        const release = process.getBuiltinModule('node:os').release();
        await writeFile(guestResult, JSON.stringify({ ...r, kernel: release }));
        return { result: r, exitCode: r.ok ? 0 : 1, render: { text: (s) => renderLab(r, s) } };
      }
      const progress = (ok: boolean, text: string): void => ctx.log(`${paint({ color: ctx.color }, ok ? 'green' : 'red', ok ? '✔' : '✖')} ${text}`);
      const r = await labCommand({ file, count, keep: Boolean(values.keep), uml: Boolean(values.uml), signal: sig.signal, progress });
      const interrupted = sig.interrupted();
      const exitCode = interrupted ? (SIGNAL_EXIT[interrupted] ?? 1) : r.ok ? ExitCode.ok : ExitCode.failed;
      return { result: r, exitCode, render: { text: (s) => renderLab(r, s) } };
    } finally {
      sig.dispose();
      await seed?.dispose();
    }
  },
};
