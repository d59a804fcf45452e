/**
 * Readers of `ip -j` output. Each returns its value or throws UnreadableOutput: the text is the
 * output of another program, so any shape (not JSON, not an array, a field of the wrong type,
 * nesting of any depth) is possible and none may crash the caller.
 */
import type { Counters } from '../probes/mpls-counters.js';
import { numericLabels } from './matcher.js';

export class UnreadableOutput extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnreadableOutput';
  }
}

/** A JSON array, or UnreadableOutput. */
export function jsonArray(text: string): unknown[] {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (err) {
    throw new UnreadableOutput(`not JSON: ${(err as Error).message}`);
  }
  if (!Array.isArray(v)) throw new UnreadableOutput(`expected a JSON array, found ${v === null ? 'null' : typeof v}`);
  return v;
}

/** An object's fields; anything else has none. */
export const fields = (v: unknown): Record<string, unknown> => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {});
export const stringOf = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
export const stringsOf = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
const countOf = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);

/** `ip -j -f mpls route show`: the labels with a route. */
export const mplsRouteLabels = (json: string): number[] => numericLabels(jsonArray(json).map((r) => String(fields(r).dst)));

/** `ip -j route show exact PREFIX`: how many routes. */
export const routeCount = (json: string): number => jsonArray(json).length;

/** `ip -j route get ADDR`: the device the route leaves through, `?` when none is named. */
export const routeDev = (json: string): string => stringOf(fields(jsonArray(json)[0]).dev) ?? '?';

/** `ip -j neigh show ADDR`: the neighbour's state flags, NONE without an entry. */
export function neighState(json: string): string {
  const state = stringsOf(fields(jsonArray(json)[0]).state);
  return (state.length ? state : ['NONE']).join(',');
}

/** `ip -j stats show dev IF group afstats subgroup mpls`: the device's MPLS counters. */
export function mplsStatsOf(json: string): Counters {
  const stats = fields(fields(jsonArray(json)[0]).mpls_stats);
  const given = stats.rx;
  if (given === null || typeof given !== 'object' || Array.isArray(given)) throw new UnreadableOutput('no MPLS statistics');
  const rx = fields(given);
  const tx = fields(stats.tx);
  return {
    rx_packets: countOf(rx.packets), rx_bytes: countOf(rx.bytes), rx_errors: countOf(rx.errors), rx_dropped: countOf(rx.dropped), rx_noroute: countOf(rx.noroute),
    tx_packets: countOf(tx.packets), tx_bytes: countOf(tx.bytes), tx_errors: countOf(tx.errors), tx_dropped: countOf(tx.dropped),
  };
}
