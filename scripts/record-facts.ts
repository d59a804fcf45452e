/**
 * Records the raw inputs of `mplsgre check` (every file read and command run by the probes)
 * from real kernels into test/fixtures/facts/NAME.json: this machine's kernel, and user-mode
 * Linux in each state of scripts/kernel-states.ts. Unit tests replay them.
 *
 *   npm run build && node dist/scripts/record-facts.js [--only NAME]
 *   node dist/scripts/record-facts.js --here NAME [--netns NS] [--description TEXT] [--out DIR]
 *     records the machine it runs on as it is (the booted Debian guest of the boot test runs it)
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkCommand } from '../src/commands/check.js';
import { LocalHost } from '../src/host/local.js';
import { NetnsHost } from '../src/host/netns.js';
import { RecordingHost, type Recording } from '../src/host/replay.js';
import { ensureUmlKernel, runInUml } from '../src/host/uml.js';
import { enterState, KERNEL_STATES, leaveState, type KernelState } from './kernel-states.js';

const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const OUT = join(ROOT, 'test', 'fixtures', 'facts');

/** A batched read inside a namespace that failed as a whole (timed out on a loaded machine): not a fact of the kernel. */
const transportFailure = (rec: Recording): boolean => Object.values(rec.files).some((f) => 'error' in f && /^netns .*: /.test(f.error));

/** Runs check through a RecordingHost and returns what it saw; a recording whose namespace read failed is taken again (3 tries). */
export async function recordOne(name: string, description: string, opts: { netns?: string; iface: string; labels: readonly number[]; kernelConfig?: string }): Promise<Recording> {
  for (let attempt = 1; ; attempt++) {
    const rec = await recordOnce(name, description, opts);
    if (!transportFailure(rec)) return rec;
    if (attempt === 3) throw new Error(`${name}: the batched read in namespace ${opts.netns} failed 3 times; nothing recorded`);
    console.error(`${name}: the batched read in namespace ${opts.netns} failed (a loaded machine); recording again`);
  }
}

async function recordOnce(name: string, description: string, opts: { netns?: string; iface: string; labels: readonly number[]; kernelConfig?: string }): Promise<Recording> {
  const host = new RecordingHost(opts.netns ? new NetnsHost(opts.netns) : new LocalHost());
  const report = await checkCommand({
    host, iface: opts.iface, labels: opts.labels, ignore: [], failOn: 'fail',
    ...(opts.kernelConfig ? { kernelConfig: opts.kernelConfig } : {}),
  });
  const tool = (id: string): string | undefined => report.checks.find((c) => c.id === id)?.summary.split(':')[0];
  return {
    recorded: {
      description: `${name}: ${description}`,
      kernel: report.kernel ?? 'unknown',
      ...(tool('tool.iproute2') ? { iproute2: tool('tool.iproute2')! } : {}),
      ...(tool('tool.tcpdump') ? { tcpdump: tool('tool.tcpdump')! } : {}),
      at: new Date().toISOString().slice(0, 10),
      by: 'scripts/record-facts.ts',
      options: { iface: opts.iface, labels: [...opts.labels], target: host.name, ...(opts.kernelConfig ? { kernelConfig: opts.kernelConfig } : {}) },
    },
    files: host.files,
    commands: host.commands,
  };
}

/** Guest side: walks every state in one boot and returns the recordings. */
export async function recordStatesInGuest(input: { only?: string }): Promise<Record<string, Recording>> {
  const out: Record<string, Recording> = {};
  for (const state of KERNEL_STATES) {
    if (input.only && input.only !== state.name) continue;
    await enterState(state);
    out[state.name] = await recordOne(state.name, state.description, stateOptions(state));
    await leaveState(state);
  }
  return out;
}

export const stateOptions = (s: KernelState): { netns?: string; iface: string; labels: readonly number[]; kernelConfig?: string } => ({
  iface: s.iface, labels: s.labels,
  ...(s.netns ? { netns: s.netns } : {}),
  ...(s.kernelConfig ? { kernelConfig: s.kernelConfig } : {}),
});

/** `--here NAME`: this machine (or one of its namespaces) as it is now. */
async function recordHere(args: readonly string[]): Promise<void> {
  const opt = (name: string): string | undefined => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
  const name = opt('--here')!;
  const netns = opt('--netns');
  const out = opt('--out') ?? OUT;
  const rec = await recordOne(name, opt('--description') ?? 'recorded where it ran', { iface: 'foo4', labels: [100, 101], ...(netns ? { netns } : {}) });
  await mkdir(out, { recursive: true });
  await writeFile(join(out, `${name}.json`), JSON.stringify(rec, null, 1) + '\n');
  console.log(`${name}.json (${rec.recorded.kernel})`);
}

async function main(): Promise<void> {
  if (process.argv.includes('--here')) return recordHere(process.argv);
  const only = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1] : undefined;
  await mkdir(OUT, { recursive: true });
  if (!only || only === 'host') {
    const rec = await recordOne('host', 'this machine\'s own kernel, as found', { iface: 'foo4', labels: [100, 101] });
    await writeFile(join(OUT, 'host.json'), JSON.stringify(rec, null, 1) + '\n');
    console.log(`host.json (${rec.recorded.kernel})`);
  }
  if (only === 'host') return;
  await ensureUmlKernel((m) => console.log(m));
  const r = await runInUml({
    job: { kind: 'module', module: fileURLToPath(import.meta.url), export: 'recordStatesInGuest', input: only ? { only } : {} },
    timeoutMs: 600_000,
  });
  const out = r.output as { ok: boolean; value?: Record<string, Recording>; error?: { message: string } } | undefined;
  if (!out?.ok || !out.value) throw new Error(`recording in user-mode Linux failed: ${out?.error?.message ?? r.console.slice(-1500)}`);
  for (const [name, rec] of Object.entries(out.value)) {
    await writeFile(join(OUT, `${name}.json`), JSON.stringify(rec, null, 1) + '\n');
    console.log(`${name}.json (${rec.recorded.kernel})`);
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
