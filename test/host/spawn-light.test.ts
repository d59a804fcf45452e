import { expect } from 'chai';
import { execVersionQuery } from '../../src/host/spawn-light.js';

describe('execVersionQuery (the cold-cache check path, without execa)', () => {
  it('returns what the command printed, and failures as data', async () => {
    const ok = await execVersionQuery('sh', ['-c', 'echo "ip utility, iproute2-6.1.0"; echo err >&2'], 5_000);
    expect(ok).to.include({ stdout: 'ip utility, iproute2-6.1.0\n', stderr: 'err\n', exitCode: 0, failed: false, timedOut: false });
    expect(await execVersionQuery('/nonexistent/mplsgre-x', ['-V'], 5_000)).to.include({ spawnError: 'ENOENT', failed: true });
    expect(await execVersionQuery('sleep', ['5'], 200)).to.include({ timedOut: true, failed: true, signal: 'SIGKILL' });
  });
});
