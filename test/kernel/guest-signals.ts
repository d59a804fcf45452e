import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { plan as makePlan } from '../../src/core/planner.js';
import { parseTopology } from '../../src/core/topology.js';
import { createLabNetwork } from '../../src/engine/underlay.js';
import { execLocal, startLocal } from '../../src/host/spawn.js';
import { touched } from './guest-faults.js';
import { SEED } from './guest-tunnel.js';
import { differences, hostSnapshot, settled } from './snapshot.js';

/** What a run can leave behind, inside the guest. */
export interface Leftovers {
  readonly processes: string[];
  readonly netns: string[];
  readonly rootLinks: string[];
  readonly run: string[];
  readonly tmp: string[];
  readonly state: string[];
}

export interface SignalCase {
  readonly command: 'lab' | 'up' | 'verify';
  readonly point: string;
  readonly signal: 'SIGINT' | 'SIGTERM';
  /** Whether the run reached the point where the signal was to be sent (else it was sent at the end). */
  readonly reached: boolean;
  readonly exitCode: number | null;
  readonly exitSignal: string | null;
  readonly before: Leftovers;
  readonly after: Leftovers;
  /** For up and verify: how the namespaces differ from before the run (empty: exactly as before). */
  readonly diff: readonly string[];
  readonly stderrTail: string;
}

async function leftovers(tmp: string, state: string): Promise<Leftovers> {
  const pids = (await readdir('/proc')).filter((d) => /^\d+$/.test(d));
  const comms = await Promise.all(pids.map((d) => readFile(`/proc/${d}/comm`, 'utf8').then((s) => s.trim(), () => '')));
  const links = await execLocal('ip', ['-j', 'link', 'show'], { timeoutMs: 10_000 });
  return {
    processes: comms.filter((c) => c === 'tcpdump' || c === 'ping').sort(),
    netns: (await execLocal('ip', ['netns', 'list'], { timeoutMs: 10_000 })).stdout.trim().split('\n').filter(Boolean).map((l) => l.split(' ')[0]!).sort(),
    rootLinks: (JSON.parse(links.stdout || '[]') as { ifname: string }[]).map((l) => l.ifname).sort(),
    run: (await readdir('/run')).filter((f) => f.startsWith('mplsgre-')).sort(),
    tmp: (await readdir(tmp).catch(() => [] as string[])).sort(),
    state: (await readdir(state).catch(() => [] as string[])).sort(),
  };
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Runs inside user-mode Linux: the real CLI's `lab`, `up` and `verify`, each sent SIGINT or
 * SIGTERM at a few points (early, mid-way, during verify's capture), with what it could leave
 * behind listed before and after, and for `up` and `verify` the namespaces compared whole.
 */
export async function signalCampaign(input: { root: string }): Promise<{ cases: SignalCase[]; seconds: number }> {
  const started = performance.now();
  await execLocal('modprobe', ['-a', 'ipv6', 'mpls_router', 'mpls_iptunnel', 'ip_gre'], { timeoutMs: 20_000 });
  const dir = await mkdtemp(join(tmpdir(), 'mplsgre-signals-'));
  const tmp = join(dir, 'tmp');
  const state = join(dir, 'state');
  const env = { MPLSGRE_STATE_DIR: state, TMPDIR: tmp };
  await execLocal('mkdir', ['-p', tmp], { timeoutMs: 5_000 });
  const bin = join(input.root, 'bin', 'mplsgre.js');
  const cases: SignalCase[] = [];

  const net = await createLabNetwork(parseTopology(SEED));
  const names = [...net.namespaces.entries()];
  const { sysctls, modules } = touched(makePlan(net.topology));
  await Promise.all(names.map(([, ns]) => settled(ns)));
  const snap = async (): Promise<unknown> => Object.fromEntries(await Promise.all(names.map(async ([h, ns]) => [h, await hostSnapshot(ns, sysctls, modules)] as const)));
  const file = join(dir, 'seed.yaml');
  let text = SEED;
  for (const [, ns] of names) text = text.replace(/target: local/, `target: netns:${ns}`);
  await writeFile(file, text);

  const interrupt = async (command: SignalCase['command'], args: string[], point: string, at: RegExp, delayMs: number, signal: SignalCase['signal'], compare?: unknown): Promise<void> => {
    const before = await leftovers(tmp, state);
    const bg = startLocal(process.execPath, [bin, command, ...args], { env, timeoutMs: 180_000 });
    const reached = await bg.waitForLine(at, 120_000).then(() => true, () => false);
    if (delayMs) await sleep(delayMs);
    const r = await bg.stop(signal);
    const after = await leftovers(tmp, state);
    const diff = compare === undefined ? [] : differences(compare, await snap());
    cases.push({ command, point, signal, reached, exitCode: r.exitCode, exitSignal: r.signal, before, after, diff, stderrTail: r.stderr.slice(-600) });
  };

  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    // up: after its first change on A, and mid-way (B's tunnel created); both hosts must be as before.
    const clean = await snap();
    await interrupt('up', [file], 'early', /^changed +A\./, 0, signal, clean);
    await interrupt('up', [file], 'mid-way', /^changed +B\.link\.add/, 0, signal, clean);
  }
  // verify: on a configured pair, during the capture (as it starts, and mid-ping); nothing changes.
  const up = await execLocal(process.execPath, [bin, 'up', file], { timeoutMs: 120_000, env });
  if (up.failed) throw new Error(`up before verify failed: ${up.stderr}`);
  const configured = await snap();
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    await interrupt('verify', [file, '--count', '400'], 'capture starts', /capturing on/, 0, signal, configured);
    await interrupt('verify', [file, '--count', '400'], 'mid-ping', /capturing on/, 1_500, signal, configured);
  }
  const down = await execLocal(process.execPath, [bin, 'down', file], { timeoutMs: 120_000, env });
  if (down.failed) throw new Error(`down after verify failed: ${down.stderr}`);
  await net.destroy();
  // lab: its namespaces just made, after up (verify starting), during verify's capture.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    await interrupt('lab', ['--count', '400'], 'namespaces made', /namespaces \+ underlay/, 0, signal);
    await interrupt('lab', ['--count', '400'], 'after up', /✔ up: /, 0, signal);
    await interrupt('lab', ['--count', '400'], 'during capture', /capturing on/, 1_000, signal);
  }
  await rm(dir, { recursive: true, force: true });
  return { cases, seconds: (performance.now() - started) / 1000 };
}
