import { fileURLToPath } from 'node:url';
import { ensureUmlKernel, runInUml } from '../../src/host/uml.js';
import { ROOT } from './fixtures.js';

/**
 * The kernel tier's one way into user-mode Linux: makes sure the kernel is there (installing it
 * when root on Debian, failing loudly otherwise), boots it once, runs `exportName` of the
 * compiled module at `moduleUrl` with `{ root }`, and returns its value or throws the guest's error.
 */
export async function runGuest<T>(moduleUrl: URL, exportName: string, timeoutMs = 240_000): Promise<T> {
  await ensureUmlKernel((m) => console.log(`      ${m}`));
  const r = await runInUml({
    job: { kind: 'module', module: fileURLToPath(moduleUrl), export: exportName, input: { root: ROOT } },
    timeoutMs,
  });
  const out = r.output as { ok: boolean; value?: T; error?: { message: string } } | undefined;
  if (!out?.ok) throw new Error(`guest failed: ${out?.error?.message ?? r.console.slice(-1500)}`);
  return out.value as T;
}
