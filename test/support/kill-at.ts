/**
 * A test-only fault seam, preloaded into the real CLI with `node --import`: SIGKILLs the process
 * at its k-th mutating command, either just before spawning it or just after it exits (the change
 * made, its outcome not yet seen by mplsgre). Nothing in mplsgre itself knows of it.
 *   MPLSGRE_TEST_KILL_AT=k  MPLSGRE_TEST_KILL_WHEN=before|after  MPLSGRE_TEST_MUTATING=[argv JSON, ...]
 * Commands run in a namespace (`ip netns exec NS CMD...`) are matched on CMD...
 */
import { createRequire, syncBuiltinESMExports } from 'node:module';
import type * as ChildProcess from 'node:child_process';

const at = Number(process.env.MPLSGRE_TEST_KILL_AT);
const when = process.env.MPLSGRE_TEST_KILL_WHEN === 'before' ? 'before' : 'after';
const mutating = new Set((JSON.parse(process.env.MPLSGRE_TEST_MUTATING ?? '[]') as string[]));

if (at > 0) {
  const cp = createRequire(import.meta.url)('node:child_process') as typeof ChildProcess;
  const spawn = cp.spawn;
  let seen = 0;
  const patched = ((file: string, args: readonly string[], opts: ChildProcess.SpawnOptions) => {
    const argv = [file, ...args];
    const inner = argv[0] === 'ip' && argv[1] === 'netns' && argv[2] === 'exec' ? argv.slice(4) : argv;
    if (mutating.has(JSON.stringify(inner)) && ++seen === at) {
      if (when === 'before') process.kill(process.pid, 'SIGKILL');
      const child = spawn(file, args, opts);
      child.once('exit', () => process.kill(process.pid, 'SIGKILL'));
      return child;
    }
    return spawn(file, args, opts);
  }) as typeof cp.spawn;
  cp.spawn = patched;
  syncBuiltinESMExports();
}
