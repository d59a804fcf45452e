import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PathContext } from '../../src/core/root-cause.js';
import { parseTopology } from '../../src/core/topology.js';
import { pathFacts } from '../../src/engine/path-facts.js';
import { ReplayHost } from '../../src/host/replay.js';
import { countersMoved, parseMplsStats } from '../../src/probes/mpls-counters.js';
import type { ClassPathFixture } from '../../scripts/record-class-paths.js';
import { ROOT } from '../support/fixtures.js';

const DIR = join(ROOT, 'test', 'fixtures', 'class-paths');
export const classPathNames = (): string[] => readdirSync(DIR).filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -5)).sort();
export const loadClassPath = (name: string): ClassPathFixture => JSON.parse(readFileSync(join(DIR, `${name}.json`), 'utf8')) as ClassPathFixture;

/** Replays one recorded class failure: what verify reads of both ends with classes, the counters that moved, the class tried. */
export async function replayClassPath(fx: ClassPathFixture, opts: { counters?: boolean } = {}): Promise<{ ctx: PathContext; unrecorded: string[] }> {
  const topo = parseTopology(fx.topology);
  const spec = (n: string) => topo.hosts.find((h) => h.name === n)!;
  const snd = spec(fx.direction.sender);
  const rcv = spec(fx.direction.receiver);
  const hosts = new Map([snd, rcv].map((h) => [h.name, new ReplayHost(fx.facts[h.name]!, h.name)]));
  const [sender, receiver] = await Promise.all([snd, rcv].map((h) => pathFacts(hosts.get(h.name)!, h.name, topo.tunnel.name, topo.tunnel.overlay, { classes: true })));
  const moved = (n: string) => countersMoved(parseMplsStats(fx.counters[n]!.before), parseMplsStats(fx.counters[n]!.after));
  const ctx: PathContext = {
    label: snd.label, sender: sender!, receiver: receiver!, senderUnderlay: snd.underlay, receiverUnderlay: rcv.underlay,
    overlayPrefix: topo.tunnel.overlay, greDestinations: [], trafficClass: fx.trafficClass,
    ...(opts.counters === false ? {} : { senderCounters: moved(snd.name), receiverCounters: moved(rcv.name), lost: fx.direction.sent - fx.direction.received }),
  };
  return { ctx, unrecorded: [...hosts.values()].flatMap((h) => h.unrecorded) };
}

/** What each recorded class failure must be named; `cites`: the evidence line it must hold. */
export const CLASS_PATH_CASES: Readonly<Record<string, { cause: string | null; stage: string | null; cites?: RegExp }>> = {
  healthy: { cause: null, stage: null },
  'mark-missing': { cause: 'class_mark_missing', stage: 'class_wrong_label', cites: /mangle.*no OUTPUT rules/ },
  'rule-missing': { cause: 'class_rule_missing', stage: 'class_wrong_label', cites: /rule show: 0: from all lookup local; 32766: from all lookup main/ },
  'rule-shadowed': { cause: 'class_rule_shadowed', stage: 'class_wrong_label', cites: /100: from all fwmark 0xc8 lookup main/ },
  'route-missing': { cause: 'class_route_missing', stage: 'class_wrong_label', cites: /route show table all 10\.199\.0\.0\/24: 10\.199\.0\.0\/24 encap mpls 100 dev foo4 scope link$/ },
  'label-not-routed': { cause: 'class_label_not_routed', stage: 'class_not_delivered', cites: /^rx_noroute \+3 on B's foo4$/ },
  'outer-dscp-missing': { cause: 'class_outer_dscp_missing', stage: 'class_outer_dscp', cites: /no POSTROUTING rules/ },
};
