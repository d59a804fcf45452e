import { statusCommand } from '../commands/status.js';
import { statusExitCode } from '../core/status.js';
import { renderStatusMarkdown, renderStatusPrometheus, renderStatusTable } from '../report/status-text.js';
import { COMMON_OPTIONS, type CliCommand } from './command.js';
import { fileArg } from './parse.js';
import { sshConfigOption } from './target.js';

export const status: CliCommand = {
  name: 'status',
  summary: 'what is in effect on each host against what up recorded: each object in effect, missing or changed',
  usage: 'mplsgre status FILE [--ssh-config FILE] [--format table|json|md|prom] [--json] [--out FILE]',
  formats: ['table', 'md', 'prom'],
  options: { ...COMMON_OPTIONS, 'ssh-config': { type: 'string' } },
  async run(values, positionals) {
    const r = await statusCommand({ file: fileArg(positionals), ssh: sshConfigOption(values['ssh-config']) });
    return {
      result: r,
      exitCode: statusExitCode(r),
      render: {
        table: (style) => renderStatusTable(r, style),
        md: () => renderStatusMarkdown(r),
        prom: () => renderStatusPrometheus(r),
      },
    };
  },
};
