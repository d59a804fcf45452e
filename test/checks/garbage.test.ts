import { expect } from 'chai';
import fc from 'fast-check';
import { CHECKS } from '../../checks/index.js';
import { checkCommand } from '../../src/commands/check.js';
import { ReplayHost, type Recording } from '../../src/host/replay.js';
import { parseKernelConfig } from '../../src/probes/kernel.js';
import { loadFacts } from '../support/fixtures.js';

const STATUSES = ['pass', 'warn', 'fail', 'skip', 'error'];

async function runOn(rec: Recording): Promise<{ id: string; status: string; summary: string }[]> {
  const o = rec.recorded.options;
  const r = await checkCommand({ host: new ReplayHost(rec), labels: o.labels, ignore: [], failOn: 'fail', ...(o.iface ? { iface: o.iface } : {}), ...(o.kernelConfig ? { kernelConfig: o.kernelConfig } : {}), ...(o.classes ? { classes: true } : {}) });
  return r.checks.map((c) => ({ id: c.id, status: c.status, summary: c.summary }));
}

/** Garbage in a config file or a truncated /proc read gives `error` or a finding for that check, never a crash. */
describe('checks on garbage and truncated inputs', () => {
  const base = loadFacts('uml-seed');
  const paths = Object.keys(base.files);

  it('every recorded file replaced by random bytes: every check still reports', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...paths), fc.uint8Array({ maxLength: 300 }), async (path, bytes) => {
        const rec: Recording = { ...base, files: { ...base.files, [path]: { base64: Buffer.from(bytes).toString('base64') } } };
        const checks = await runOn(rec);
        expect(checks).to.have.length(CHECKS.length);
        for (const c of checks) expect(STATUSES).to.include(c.status);
      }),
      { numRuns: 300 },
    );
  });

  it('every recorded file cut short at a random point: all checks still report', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...paths.filter((p) => 'text' in base.files[p]!)), fc.double({ min: 0, max: 1, noNaN: true }), async (path, frac) => {
        const f = base.files[path] as { text: string };
        const rec: Recording = { ...base, files: { ...base.files, [path]: { text: f.text.slice(0, Math.floor(f.text.length * frac)) } } };
        const checks = await runOn(rec);
        for (const c of checks) expect(STATUSES).to.include(c.status);
      }),
      { numRuns: 300 },
    );
  });

  it('a truncated /proc/sys value is an error or a failure of that check, not a pass', async () => {
    const rec: Recording = { ...base, files: { ...base.files, '/proc/sys/net/mpls/platform_labels': { text: '' } } };
    const c = (await runOn(rec)).find((x) => x.id === 'sysctl.platform_labels')!;
    expect(['fail', 'error']).to.include(c.status);
  });

  it('a gzip config that is corrupt is "unreadable", not a crash', () => {
    expect(() => parseKernelConfig(Buffer.from([0x1f, 0x8b, 0x08, 0, 1, 2, 3]))).to.throw();
  });

  it('garbage kernel config: module states fall back to other sources, never to "missing" on no evidence', async () => {
    const rec: Recording = { ...base, recorded: { ...base.recorded, options: { ...base.recorded.options, kernelConfig: '/x' } }, files: { ...base.files, '/x': { text: 'not a config\n\u0000\u0001' } } };
    const checks = await runOn(rec);
    const router = checks.find((c) => c.id === 'kernel.mpls_router')!;
    expect(router.status).to.equal('pass');
  });
});
