import type { OptionSpec, Values } from './parse.js';

/** What a command hands back to the CLI: data, its exit code, and how to show it. */
export interface CliOutcome {
  readonly result: unknown;
  readonly exitCode: number;
  /** Renderers by --format name; `json` is added by the CLI. The first is the default. */
  readonly render: Readonly<Record<string, (style: { color: boolean }) => string>>;
}

export interface CliContext {
  /** Progress and logs: stderr, never stdout. */
  readonly log: (line: string) => void;
  /** Output a command streams before it returns (fleet's ndjson): stdout. */
  readonly write: (text: string) => void;
  readonly stderrIsTTY: boolean;
  readonly color: boolean;
}

export interface CliCommand {
  readonly name: string;
  readonly summary: string;
  readonly usage: string;
  readonly options: OptionSpec;
  /** Output formats besides json, the default first; each must have a renderer in the outcome. */
  readonly formats: readonly string[];
  /** Options for mplsgre's own use (between its processes): left out of the help and the README. */
  readonly internal?: readonly string[];
  run(values: Values, positionals: string[], ctx: CliContext): Promise<CliOutcome>;
}

/** Options every command accepts. */
export const COMMON_OPTIONS: OptionSpec = {
  json: { type: 'boolean' },
  format: { type: 'string' },
  out: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
};
