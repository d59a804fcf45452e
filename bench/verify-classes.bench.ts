/**
 * What a topology's traffic classes add to `mplsgre verify`, in user-mode Linux 6.1 with
 * examples/classes.yaml set up by the real `up` in two namespaces (the seed plus a voice class
 * each way), whole processes in one tinybench run: verify of the same two hosts from the seed
 * file (no classes: the unmarked pings only) against verify from the classes file (the unmarked
 * pings and each class's at once, judged from the same captures); both --no-tcp --no-mtu.
 * Prints numbers only. Needs root.
 */
import { spawn } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Bench } from 'tinybench';
import { ensureUmlKernel, runInUml } from '../src/host/uml.js';
import { latencyRow } from './latency-row.js';
import { withSeedLab } from './seed-lab.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CLI = join(ROOT, 'bin', 'mplsgre.js');
const COUNT = 5;

function proc(file: string, args: readonly string[], env: NodeJS.ProcessEnv): Promise<number | null> {
  return new Promise((resolve, reject) => {
    const p = spawn(file, args, { stdio: 'ignore', env, timeout: 120_000 });
    p.on('error', reject);
    p.on('close', (code) => resolve(code));
  });
}

interface GuestOut { readonly kernel: string; readonly rows: Record<string, string>[]; readonly exits: Record<string, string> }

/** Guest side: examples/classes.yaml up, verify from each file measured, everything removed. */
export async function benchInGuest(): Promise<GuestOut> {
  const example = await readFile(join(ROOT, 'examples', 'classes.yaml'), 'utf8');
  const local = example.replace('target: netns:A', 'target: local').replace('target: netns:B', 'target: local');
  return withSeedLab('bvc', async ({ file, env, kernel }) => {
    const seed = join(file, '..', 'no-classes.yaml');
    await writeFile(seed, (await readFile(file, 'utf8')).replace(/, classes: \[[^\]]*\] \}/g, ' }'));
    const exits: Record<string, Set<number | null>> = {};
    const bench = new Bench({ name: 'verify with and without classes', time: 1, iterations: 5, warmupIterations: 0, warmup: false, throws: true });
    for (const [name, f] of [[`verify seed file --count ${COUNT} --no-mtu --no-tcp (no classes)`, seed], [`verify classes file --count ${COUNT} --no-mtu --no-tcp (+2 classes)`, file]] as const) {
      bench.add(name, async () => {
        (exits[name] ??= new Set()).add(await proc(process.execPath, [CLI, 'verify', f, '--count', String(COUNT), '--no-mtu', '--no-tcp'], env));
      });
    }
    await bench.run();
    return { kernel, rows: bench.tasks.map((t) => latencyRow(t, 0)), exits: Object.fromEntries(Object.entries(exits).map(([k, v]) => [k, [...v].join(',')])) };
  }, local);
}

export async function run(): Promise<void> {
  console.log('== verify-classes.bench: mplsgre verify with and without traffic classes, in user-mode Linux');
  await ensureUmlKernel((m) => console.log(m));
  const r = await runInUml({ job: { kind: 'module', module: fileURLToPath(import.meta.url), export: 'benchInGuest', input: {} }, timeoutMs: 1_800_000 });
  const out = r.output as { ok: boolean; value?: GuestOut; error?: { message: string } } | undefined;
  if (!out?.ok || !out.value) throw new Error(`the guest bench failed: ${out?.error?.message ?? r.console.slice(-1500)}`);
  console.log(`\nuser-mode Linux ${out.value.kernel}, examples/classes.yaml up in two namespaces`);
  console.table(out.value.rows.map((row) => ({ ...row, exit: out.value!.exits[row.task!] ?? '' })));
}
