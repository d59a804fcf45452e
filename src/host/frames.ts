/** One part of a framed output: its header line and the text up to the next frame. */
export interface Frame {
  readonly head: string;
  readonly data: string;
}

/**
 * Splits the output of a fixed script that starts each part with `\nNONCE HEAD\n`, the nonce random
 * per run so no file's content can forge a frame; yields each part's header and body in order.
 */
export function* splitFrames(out: string, nonce: string): Generator<Frame> {
  const marker = `\n${nonce} `;
  let at = out.indexOf(marker);
  while (at !== -1) {
    const next = out.indexOf(marker, at + marker.length);
    const seg = out.slice(at + marker.length, next === -1 ? out.length : next);
    const eol = seg.indexOf('\n');
    yield { head: seg.slice(0, eol === -1 ? seg.length : eol), data: eol === -1 ? '' : seg.slice(eol + 1) };
    at = next;
  }
}
