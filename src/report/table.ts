import type CliTable3 from 'cli-table3';

type TableCtor = typeof CliTable3;
let Table: TableCtor | undefined;

/**
 * Loads cli-table3. Renderers are synchronous and `check` must not pay for a table it does not
 * draw (--json, --format md), so the library loads here, once, before a text render: the CLI
 * awaits this for the table and text formats (src/cli.ts), a test in its `before`.
 */
export async function loadTables(): Promise<void> {
  Table ??= (await import('cli-table3')).default;
}

/** No rules, no frame: columns are separated by two spaces, as `ip` and `ss` print them. */
const BARE = Object.fromEntries(
  ['top', 'top-mid', 'top-left', 'top-right', 'bottom', 'bottom-mid', 'bottom-left', 'bottom-right', 'left', 'left-mid', 'mid', 'mid-mid', 'right', 'right-mid', 'middle'].map((k) => [k, '']),
);

/** A cell spanning columns. */
export interface Span {
  readonly content: string;
  readonly colSpan: number;
}

export interface TableOptions {
  readonly head?: readonly string[];
  /** Fixed widths (content plus the two-space gap) for columns a Span must not widen; null: fit the content. */
  readonly widths?: readonly (number | null)[];
  /** Put before every line (a list nested under a heading). */
  readonly indent?: string;
}

/**
 * Lines of a table drawn by cli-table3, without borders and without colour of its own: cells
 * may carry the caller's colour (paint), which cli-table3 measures as zero width. Trailing
 * blanks are cut, so plain output (NO_COLOR, a pipe) reads like the text it always was.
 */
export function drawTable(rows: readonly (readonly (string | Span)[])[], opts: TableOptions = {}): string[] {
  if (!Table) throw new Error('drawTable: await loadTables() first');
  const t = new Table({
    ...(opts.head ? { head: [...opts.head] } : {}),
    ...(opts.widths ? { colWidths: [...opts.widths] } : {}),
    chars: BARE,
    style: { head: [], border: [], 'padding-left': 0, 'padding-right': 2, compact: true },
  });
  t.push(...rows.map((r) => r.map((c) => (typeof c === 'string' ? c : { ...c }))));
  if (t.length === 0 && !opts.head) return [];
  return t.toString().split('\n').map((l) => `${opts.indent ?? ''}${l}`.trimEnd());
}
