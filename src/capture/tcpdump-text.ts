import { type ByteWindow } from './byte-window.js';
import { MAX_BATCH } from './format-reader.js';
import type { PacketRecord } from './record.js';
import { parseEntry } from './text-entry.js';

/** Longest entry kept (a -v -x entry of a jumbo frame fits); longer ones are cut. */
const MAX_ENTRY = 1 << 20;

/**
 * Groups tcpdump output lines into entries: a line that starts in column 0 (or with `-#`'s
 * right-aligned packet number) starts an entry, indented lines continue it, hex dumps and
 * tcpdump's own messages are dropped.
 */
export class TcpdumpTextParser {
  private index = 0;
  private entry: string | undefined;

  line(raw: string, out: PacketRecord[]): void {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line.length === 0) return;
    const first = line.charCodeAt(0);
    if (first === 32 || first === 9) {
      const numbered = numberedStart(line);
      if (numbered >= 0) return this.start(line.slice(numbered), out);
      const body = line.trimStart();
      if (isHexDump(body) || this.entry === undefined) return;
      if (this.entry.length + body.length < MAX_ENTRY) this.entry += ` ${body}`;
      return;
    }
    if (isBanner(line)) return this.flush(out);
    this.start(line, out);
  }

  flush(out: PacketRecord[]): void {
    if (this.entry !== undefined) out.push(parseEntry(this.entry, this.index++));
    this.entry = undefined;
  }

  private start(line: string, out: PacketRecord[]): void {
    this.flush(out);
    this.entry = line.length > MAX_ENTRY ? line.slice(0, MAX_ENTRY) : line;
  }
}

/** Records of a whole tcpdump text output held in memory. */
export function parseTcpdumpText(text: string): PacketRecord[] {
  const parser = new TcpdumpTextParser();
  const out: PacketRecord[] = [];
  let p = 0;
  while (p < text.length) {
    let nl = text.indexOf('\n', p);
    if (nl < 0) nl = text.length;
    parser.line(text.slice(p, nl), out);
    p = nl + 1;
  }
  parser.flush(out);
  return out;
}

/** Streams tcpdump text from a window, one batch per window fill; lines longer than the window are cut. */
export async function* textBatches(win: ByteWindow): AsyncGenerator<PacketRecord[]> {
  const parser = new TcpdumpTextParser();
  let carry = '';
  try {
    // whatever one read brought: a live pipe must not wait for a full window
    while (await win.ensure(1)) {
      const chunk = carry + win.buf.toString('latin1', win.start, win.end);
      win.advance(win.available);
      const out: PacketRecord[] = [];
      let p = 0;
      for (let nl = chunk.indexOf('\n'); nl >= 0; nl = chunk.indexOf('\n', p)) {
        parser.line(chunk.slice(p, nl), out);
        p = nl + 1;
        if (out.length >= MAX_BATCH) {
          yield out.splice(0);
        }
      }
      carry = chunk.length - p > MAX_ENTRY ? '' : chunk.slice(p);
      if (out.length > 0) yield out;
    }
    const out: PacketRecord[] = [];
    if (carry.length > 0) parser.line(carry, out);
    parser.flush(out);
    if (out.length > 0) yield out;
  } finally {
    await win.close();
  }
}

/** `-#` prints the packet number right-aligned in 5 columns and two spaces: "    1  10:13:29.315598 ...". */
function numberedStart(line: string): number {
  let p = 0;
  while (p < line.length && line.charCodeAt(p) === 32) p++;
  const digits = p;
  while (p < line.length && line.charCodeAt(p) >= 48 && line.charCodeAt(p) <= 57) p++;
  if (p === digits || line[p] !== ' ' || line[p + 1] !== ' ') return -1;
  return p + 2;
}

function isHexDump(body: string): boolean {
  return body.startsWith('0x') && body.indexOf(':') > 2 && body.indexOf(':') < 8;
}

/** Lines tcpdump writes about itself rather than about a packet. */
function isBanner(line: string): boolean {
  return (
    line.startsWith('reading from file') ||
    line.startsWith('tcpdump: ') ||
    line.startsWith('listening on') ||
    line.startsWith('dropped privs') ||
    line.startsWith('Warning: ') ||
    / packets? (captured|received by filter|dropped by kernel)$/.test(line)
  );
}
