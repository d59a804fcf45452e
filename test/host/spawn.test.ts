import { expect } from 'chai';
import { execLocal } from '../../src/host/spawn.js';

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
