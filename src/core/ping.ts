/** What iputils ping printed: counts and round-trip times. */
export interface PingSummary {
  readonly transmitted: number;
  readonly received: number;
  readonly rttMs?: { readonly min: number; readonly avg: number; readonly max: number };
}

/** Parses ping's closing lines ("5 packets transmitted, 5 received, ..." and "rtt min/avg/max/mdev = a/b/c/d ms"). */
export function parsePing(text: string): PingSummary | undefined {
  const counts = /(\d+) packets transmitted, (\d+) (?:packets )?received/.exec(text);
  if (!counts) return undefined;
  const rtt = /= ([\d.]+)\/([\d.]+)\/([\d.]+)\/[\d.]+ ms/.exec(text);
  return {
    transmitted: Number(counts[1]),
    received: Number(counts[2]),
    ...(rtt ? { rttMs: { min: Number(rtt[1]), avg: Number(rtt[2]), max: Number(rtt[3]) } } : {}),
  };
}
