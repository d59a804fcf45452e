/** Levenshtein distance: insertions, deletions and substitutions, each 1. */
export function editDistance(a: string, b: string): number {
  const d = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = d[0] ?? 0;
    d[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = d[j] ?? 0;
      d[j] = Math.min(cur + 1, (d[j - 1] ?? 0) + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return d[b.length] ?? 0;
}

/**
 * The candidate a mistyped word most likely meant: the same word in another case, or the closest
 * within two edits (the first of equals); undefined when none is that close. Used for topology
 * keys, options and commands alike.
 */
export function nearest(word: string, candidates: readonly string[]): string | undefined {
  const same = candidates.find((c) => c.toLowerCase() === word.toLowerCase());
  if (same !== undefined) return same;
  let best: { c: string; d: number } | undefined;
  for (const c of candidates) {
    const d = editDistance(word, c);
    if (d <= 2 && (best === undefined || d < best.d)) best = { c, d };
  }
  return best?.c;
}
