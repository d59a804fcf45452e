import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { execLocal, MAX_OUTPUT, startLocal } from '../../src/host/spawn.js';

/** Exits at once, reading nothing. */
const EXIT_3 = 'exit 3';

describe('execLocal', () => {
  it('a command that exits without reading its input is a failure with its exit status, not an exception', async () => {
    // 8 MiB never fits the pipe: the write meets a closed pipe (EPIPE) every time.
    for (let i = 0; i < 5; i++) {
      const r = await execLocal('sh', ['-c', EXIT_3], { input: 'x'.repeat(8 * 1024 * 1024), timeoutMs: 10_000 });
      expect(r).to.include({ exitCode: 3, failed: true, timedOut: false });
    }
  });

  it('failures are data: a missing program, a timeout, a signal', async () => {
    expect(await execLocal('/nonexistent/mplsgre-x', [], { timeoutMs: 5_000 })).to.include({ spawnError: 'ENOENT', failed: true });
    expect(await execLocal('sleep', ['5'], { timeoutMs: 200 })).to.include({ timedOut: true, failed: true, signal: 'SIGKILL' });
    const ac = new AbortController();
    const p = execLocal('sleep', ['5'], { timeoutMs: 5_000, signal: ac.signal });
    ac.abort();
    expect(await p).to.include({ signal: 'SIGTERM', failed: true, timedOut: false });
  });
});

/** Alive and not a zombie waiting to be reaped. */
function alive(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

/** A shell that starts a grandchild, prints its pid and waits for it. */
const FORKS = ['-c', 'sleep 60 & echo $!; wait'];
/** The same, printing the grandchild's pid on stderr. */
const FORKS_PID_ON_STDERR = 'sleep 60 & echo $! >&2; wait';

describe('execLocal and startLocal: the process tree', () => {
  it('a timeout kills the whole tree: a grandchild holding the output open ends with its parent', async () => {
    const r = await execLocal('sh', FORKS, { timeoutMs: 500 });
    expect(r).to.include({ timedOut: true, failed: true });
    const grandchild = Number(r.stdout.trim());
    expect(grandchild).to.be.greaterThan(0);
    expect(alive(grandchild), `grandchild ${grandchild} survived the timeout`).to.equal(false);
  });

  it('an abort ends the whole tree with SIGTERM', async () => {
    const ac = new AbortController();
    const p = execLocal('sh', ['-c', FORKS_PID_ON_STDERR], { timeoutMs: 10_000, signal: ac.signal });
    await new Promise((r) => setTimeout(r, 300));
    ac.abort();
    const r = await p;
    expect(r).to.include({ signal: 'SIGTERM', failed: true, timedOut: false });
    expect(alive(Number(r.stderr.trim()))).to.equal(false);
  });

  it('output past the limit stops the command and fails it, output cut at the limit', async () => {
    const r = await execLocal('yes', [], { timeoutMs: 60_000 });
    expect(r).to.include({ failed: true, timedOut: false });
    expect(r.stdout.length).to.be.at.most(MAX_OUTPUT);
    expect(r.stdout.length).to.be.greaterThan(MAX_OUTPUT / 2);
  });

  it('stop() on a background process ends its tree', async () => {
    const bg = startLocal('sh', FORKS, { timeoutMs: 30_000 });
    const grandchild = Number(await bg.waitForLine(/^\d+$/, 5_000));
    expect(bg.pid).to.be.a('number');
    const r = await bg.stop();
    expect(r.signal).to.equal('SIGTERM');
    expect(alive(grandchild), `grandchild ${grandchild} survived stop()`).to.equal(false);
  });

  it('a background process, and what it started, end when this process exits', async () => {
    const spawnJs = new URL('../../src/host/spawn.js', import.meta.url).href;
    const script = `import { startLocal } from ${JSON.stringify(spawnJs)};
const bg = startLocal('sh', ['-c', 'sleep 60 & echo $!; wait'], { timeoutMs: 60000 });
console.log(bg === undefined ? '' : await bg.waitForLine(/^\\d+$/, 5000));
process.exit(0);`;
    const r = await execLocal(process.execPath, ['--input-type=module', '-e', script], { timeoutMs: 15_000 });
    expect(r.exitCode, r.stderr).to.equal(0);
    const grandchild = Number(r.stdout.trim());
    expect(grandchild).to.be.greaterThan(0);
    expect(alive(grandchild), `grandchild ${grandchild} outlived the process that started it`).to.equal(false);
  });
});
