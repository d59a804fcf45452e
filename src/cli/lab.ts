import { guestLab, labCommand, seedFile } from '../commands/lab.js';
import { ExitCode, UsageError } from '../core/errors.js';
import { renderLab, renderLabEvent } from '../report/lab-text.js';
import { COMMON_OPTIONS, type CliCommand } from './command.js';
import { interruptible, SIGNAL_EXIT } from './interrupt.js';
import { intOption } from './parse.js';

export const lab: CliCommand = {
  name: 'lab',
  summary: 'the seed setup end to end: namespaces, up, verify, down (in user-mode Linux where this kernel cannot)',
  usage: 'mplsgre lab [FILE] [--count N] [--keep] [--uml] [--json]   (FILE defaults to the embedded seed topology)',
  formats: ['text'],
  options: { ...COMMON_OPTIONS, count: { type: 'string' }, keep: { type: 'boolean' }, uml: { type: 'boolean' }, 'inside-uml': { type: 'boolean' } },
  internal: ['inside-uml'],
  async run(values, positionals, ctx) {
    if (positionals.length > 1) throw new UsageError('FILE', `one topology file at most, got ${positionals.length} arguments`);
    const seed = positionals[0] === undefined ? await seedFile() : undefined;
    const file = positionals[0] ?? seed?.file ?? '';
    const count = intOption(values.count, '--count', 1, 10_000, 5);
    const sig = interruptible();
    try {
      if (values['inside-uml']) {
        // Inside user-mode Linux: run the lab here, hand steps and result to the host as data.
        const r = await guestLab(file, count, sig.signal);
        return { result: r, exitCode: r.ok ? 0 : 1, render: { text: (s) => renderLab(r, s) } };
      }
      const r = await labCommand({ file, count, keep: Boolean(values.keep), uml: Boolean(values.uml), signal: sig.signal, progress: (e) => ctx.log(renderLabEvent(e, { color: ctx.color })) });
      const interrupted = sig.interrupted();
      const exitCode = interrupted ? (SIGNAL_EXIT[interrupted] ?? 1) : r.ok ? ExitCode.ok : ExitCode.failed;
      return { result: r, exitCode, render: { text: (s) => renderLab(r, s) } };
    } finally {
      sig.dispose();
      await seed?.dispose();
    }
  },
};
