import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { HostSpec, Topology } from '../core/topology.js';
import { countEcho } from '../core/verdict.js';
import type { Host } from '../host/host.js';
import { runtimeDir } from '../host/runtime-dir.js';
import { captureBufferKib, inGre, settle, startCaptures, type WatchedCapture } from './verify/captures.js';
import { movedBetween, readBoth } from './verify/counters.js';
import { classArrived, classProbes, classResults, defaultOuterDscps, judgeClasses, unmarked, withDefaultOuter } from './verify/classes.js';
import { explain, readEndFacts } from './verify/explain.js';
import { judge, tcpEvidenceCounts } from './verify/judge.js';
import { probeMtu } from './verify/mtu.js';
import { ping } from './verify/pings.js';
import { absentEnds, unconfigured } from './verify/presence.js';
import { mplsGsoLoaded, runTcp } from './verify/tcp.js';
import { DEFAULT_TCP_BYTES, DEFAULT_TCP_BYTES_SSH, type DirectionResult, type SkippedStep, type VerifyOptions, type VerifyResult } from './verify/types.js';

export type { ClassResult, CountersResult, DirectionResult, MtuResult, SkippedStep, TcpResult, VerifyOptions, VerifyResult } from './verify/types.js';
export { DEFAULT_TCP_BYTES } from './verify/types.js';
export { captureBufferKib } from './verify/captures.js';

/**
 * `verify`: captures on both tunnels and both underlays, the MPLS counters read before and
 * after, pings each way, a bulk TCP transfer each way where the pings crossed, and proves from
 * the captures that each direction carried its label inside GRE and came back with the peer's.
 * Each stage is its own module under verify/.
 */
export async function verifyTopology(topo: Topology, hosts: ReadonlyMap<string, Host>, opts: VerifyOptions): Promise<VerifyResult> {
  const started = performance.now();
  const [a, b] = topo.hosts;
  const pair = [a, b] as const;
  const hostOf = (h: HostSpec): Host => hosts.get(h.name)!;
  const tcpBytes = opts.tcpBytes ?? ([a, b].some((h) => hostOf(h).remote) ? DEFAULT_TCP_BYTES_SSH : DEFAULT_TCP_BYTES);
  const absent = await absentEnds(topo, hostOf, opts.upCommand ?? 'mplsgre up FILE');
  if (absent.some(Boolean)) return unconfigured(topo, absent, opts.count, started);
  const interrupted = (): void => {
    if (opts.signal?.aborted) throw opts.signal.reason instanceof Error ? opts.signal.reason : new Error('interrupted');
  };
  // Each class's pings, marked with its DSCP, go at the same time as the unmarked ones, under the same captures.
  const probes = classProbes(topo);
  const classed = probes.length > 0;
  const dir = await mkdtemp(join(runtimeDir(), 'mplsgre-verify-'));
  let caps: Awaited<ReturnType<typeof startCaptures>> | undefined;
  try {
    const [started_, before, gso] = await Promise.all([
      startCaptures(pair, hostOf, dir, captureBufferKib(opts.count * (1 + Math.ceil(probes.length / 2)), tcpBytes)),
      readBoth(pair, hostOf, opts.signal),
      tcpBytes > 0 ? Promise.all(pair.map((h) => mplsGsoLoaded(hostOf(h)))) : Promise.resolve([undefined, undefined]),
    ]);
    caps = started_;
    const watched = caps.watched;
    const capOf = (h: HostSpec): WatchedCapture => watched.get(h.name)!;
    interrupted();
    opts.log?.(`capturing on ${caps.sniffers.map((x) => `${x.host}:${x.s.iface}`).join(', ')}`);
    const ways = [[a, b], [b, a]] as const;
    if (classed) opts.log?.(`pinging each class: ${probes.map((p) => `${p.cls.name} ${p.from.name}->${p.to.name} DSCP ${p.dscp} label ${p.cls.label}`).join(', ')}`);
    const [pings, classRuns] = await Promise.all([
      Promise.all(ways.map(([from, to]) => ping(hostOf(from), from, to, opts.count, opts.interval, opts.signal))),
      Promise.all(probes.map((p) => ping(hostOf(p.from), p.from, p.to, opts.count, opts.interval, opts.signal, p.marking))),
    ]);
    const only = classed ? unmarked : undefined;
    interrupted();
    // A probe or a transfer means something only where the pings crossed.
    const crossed = pings.map((p) => (p.summary?.received ?? 0) > 0) as [boolean, boolean];
    const tcpRuns = tcpBytes > 0 ? await runTcp(pair, hostOf, crossed, { bytes: tcpBytes, stallMs: opts.tcpStallMs ?? 5_000, ...(opts.signal ? { signal: opts.signal } : {}) }) : [undefined, undefined];
    interrupted();
    // Every reply ping counted, and every byte a transfer delivered, has passed every capture
    // point: wait until the files hold them.
    const pick = only ? (r: Parameters<typeof inGre>[0]): boolean => inGre(r) && only(r) : inGre;
    const arrived = (): boolean => probes.every((p, i) => classArrived(p, classRuns[i]!, capOf)) && ways.every(([from, to], i) => {
      const want = pings[i]!.summary?.received ?? 0;
      const echoes = countEcho(capOf(to).tally.records(pick), { src: from.overlay, dst: to.overlay, type: 'request' }) >= want &&
        countEcho(capOf(from).tally.records(pick), { src: to.overlay, dst: from.overlay, type: 'reply' }) >= want;
      const run = tcpRuns[i];
      const delivered = run?.receiver?.bytes ?? 0;
      if (!echoes || !run || delivered === 0) return echoes;
      const c = tcpEvidenceCounts(from, to, run.port, capOf(from), capOf(to));
      return c.leftInGre.payloadBytes >= delivered && c.arrivedInGre.payloadBytes >= delivered;
    });
    await settle([...watched.values()], arrived, 1_000);
    interrupted();
    const stopped = await Promise.all(caps.sniffers.map(async (x) => ({ host: x.host, ...(await x.s.stop()) })));
    const [mtus, after] = await Promise.all([
      opts.mtu ? Promise.all(ways.map(([from, to], i) => (crossed[i] ? probeMtu(hostOf(from), from, to, topo.tunnel.name) : undefined))) : Promise.resolve([undefined, undefined]),
      readBoth(pair, hostOf, opts.signal),
      Promise.all([...watched.values()].map((c) => c.poll(true))),
    ]);
    interrupted();
    const counters = movedBetween(pair, before, after);
    const outers = classed ? ways.map(([from, to]) => defaultOuterDscps(from, to, capOf)) : [];
    const judged = ways.map(([from, to], i) => {
      const j = judge(from, to, pings[i]!, capOf, mtus[i], tcpRuns[i], tcpBytes, gso[i === 0 ? 0 : 1], only);
      return classed ? withDefaultOuter(j, outers[i]!) : j;
    });
    const classJudged = judgeClasses(probes, classRuns, capOf);
    // Each end's settings are read once, only when a direction or a class failed.
    const facts = [...judged, ...classJudged].some((j) => !j.verdict.ok && j.verdict.stage) ? await readEndFacts(topo, hostOf) : undefined;
    const causes = await explain(topo, hostOf, judged, counters, facts);
    const classes = classed ? classResults(topo, classJudged, counters, facts) : undefined;
    const directions = judged.map((j, i): DirectionResult => {
      const rc = causes[i];
      const { evidence: e, verdict: v, ping: p } = j;
      return {
        from: j.from.name, to: j.to.name, label: j.from.label, sent: e.sent, received: e.received,
        labelsSeen: Object.keys(e.requestLabels).filter((k) => k !== 'none').map((k) => Number(k.split('/')[0])),
        requestLabels: e.requestLabels, onWireInGre: e.onWireInGre, repliesInGre: e.repliesInGre,
        ...(p.summary?.rttMs ? { rttMs: p.summary.rttMs } : {}),
        ...(classed ? { outerDscp: Object.keys(outers[i]!).map(Number).sort((x, y) => x - y) } : {}),
        ...(j.mtu ? { mtu: j.mtu } : {}),
        ...(j.tcp ? { tcp: j.tcp.tcp } : {}),
        ok: v.ok, stage: v.stage, cause: rc?.id ?? null,
        explanation: v.explanation + (p.summary ? '' : ` (ping: ${p.stderr || 'no summary'})`),
        ...(rc ? { rootCause: rc } : {}),
      };
    });
    const skipped: SkippedStep[] = [];
    ways.forEach(([from, to], i) => {
      const direction = `${from.name}->${to.name}`;
      if (opts.mtu && !crossed[i]) skipped.push({ what: 'mtu', direction, reason: 'no echo request crossed: a size probe could not tell the MTU' });
      if (tcpBytes > 0 && !crossed[i]) skipped.push({ what: 'tcp', direction, reason: 'no echo request crossed: no transfer was tried' });
      const run = tcpRuns[i];
      if (run?.skipped) skipped.push({ what: 'tcp', direction, reason: run.skipped });
    });
    for (const c of counters) if (!c.ok) skipped.push({ what: 'counters', host: c.host, reason: c.error ?? 'unreadable' });
    return {
      ok: directions.every((d) => d.ok) && (classes ?? []).every((c) => c.ok), tunnel: topo.tunnel.name, count: opts.count, directions,
      ...(classes ? { classes } : {}),
      captures: stopped.map((s) => ({
        host: s.host, iface: s.iface,
        ...(s.captured !== undefined ? { captured: s.captured } : {}),
        ...(s.droppedByKernel !== undefined ? { droppedByKernel: s.droppedByKernel } : {}),
        decoded: watched.get(s.host)!.tally.decoded,
      })),
      counters,
      skipped,
      durationMs: Math.round(performance.now() - started),
    };
  } finally {
    await caps?.close();
    await rm(dir, { recursive: true, force: true });
  }
}
