import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkCommand } from '../../src/commands/check.js';
import type { BatchAnswers, ExecResult, FileRead, Host, ReadPlan } from '../../src/host/host.js';
import { RELEASE_TOKEN } from '../../src/host/host.js';
import { commandKey, ReplayHost } from '../../src/host/replay.js';
import { BATCH_SCRIPT, batchArgs, parseBatch } from '../../src/host/ssh-batch.js';
import { execLocal } from '../../src/host/spawn.js';
import { parseNetDev } from '../../src/probes/boot.js';
import { parseModulePaths } from '../../src/probes/modules.js';
import { factNames, loadFacts } from '../support/fixtures.js';

const NONCE = '@mplsgre-0123456789abcdef';

/** Runs BATCH_SCRIPT here with `sh`, as the remote would, and parses it. */
async function runBatch(plan: ReadPlan): Promise<BatchAnswers> {
  const r = await execLocal('sh', ['-c', BATCH_SCRIPT, 'sh', NONCE, ...batchArgs(plan)], { timeoutMs: 20_000 });
  expect(r.exitCode, r.stderr).to.equal(0);
  return parseBatch(r.stdout, NONCE, plan, (file, args, _t, x) => ({ argv: [file, ...args], signal: null, failed: x.exitCode !== 0, timedOut: x.exitCode === 124, durationMs: 0, ...x }));
}

describe('the batched read plan (ssh: one remote command per check)', function () {
  this.timeout(30_000);
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mplsgre-batch-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('the script returns files byte-exact (binary, hostile names, /proc/sys and /sys text), errors per file, the release filled in', async () => {
    const bytes = Buffer.concat([Buffer.from(Array.from({ length: 256 }, (_, i) => i)), randomBytes(2048)]);
    const names = ['bin', 'a b', 'line\nbreak', "q'uote $(id)", 'no-newline'];
    await writeFile(join(dir, names[0]!), bytes);
    await writeFile(join(dir, names[1]!), 'x\n\n\n');
    await writeFile(join(dir, names[2]!), '');
    await writeFile(join(dir, names[3]!), '\\n \\t \n');
    await writeFile(join(dir, names[4]!), 'last');
    const release = readFileSync('/proc/sys/kernel/osrelease', 'utf8').trim();
    const sysText = ['/proc/sys/kernel/osrelease', '/proc/sys/net/ipv4/conf/lo/rp_filter', '/sys/class/net/lo/mtu', '/proc/sys/net/ipv4/tcp_congestion_control'];
    const plan: ReadPlan = {
      files: [...names.map((n) => join(dir, n)), join(dir, 'missing'), ...sysText, `/proc/sys/kernel/osrelease${RELEASE_TOKEN}`, '/proc/self/status'],
      commands: [],
      modules: [],
    };
    const a = await runBatch(plan);
    const byPath = new Map(a.files.map((f) => [f.path, f]));
    const data = (p: string): string | undefined => {
      const f = byPath.get(p);
      return f?.ok ? f.data.toString('latin1') : undefined;
    };
    expect(byPath.get(join(dir, 'bin'))?.ok && (byPath.get(join(dir, 'bin')) as { data: Buffer }).data).to.deep.equal(bytes);
    for (const n of names.slice(1)) expect(data(join(dir, n)), n).to.equal(readFileSync(join(dir, n), 'latin1'));
    expect(byPath.get(join(dir, 'missing'))).to.deep.equal({ path: join(dir, 'missing'), ok: false, error: 'ENOENT' });
    for (const p of sysText) expect(data(p), p).to.equal(readFileSync(p, 'latin1'));
    // The path as resolved: the release in place of the token (no such file: ENOENT, under that name).
    expect(byPath.get(`/proc/sys/kernel/osrelease${release}`)).to.deep.equal({ path: `/proc/sys/kernel/osrelease${release}`, ok: false, error: 'ENOENT' });
    expect(data('/proc/self/status')).to.match(/^CapEff:\s+[0-9a-f]{16}$/m);
  });

  it('commands: stdout and stderr apart and exact, exit codes; a missing binary is 127, one past its bound 124 (timed out)', async () => {
    const plan: ReadPlan = {
      files: [],
      commands: [
        { file: 'printf', args: ['a\nb\n\n'], timeoutMs: 3_000 },
        { file: 'ls', args: [join(dir, 'no such file')], timeoutMs: 3_000 },
        { file: 'mplsgre-no-such-binary', args: ['-V'], timeoutMs: 3_000 },
        { file: 'sleep', args: ['30'], timeoutMs: 1_000 },
      ],
      modules: [],
    };
    const [printf, ls, missing, sleep] = (await runBatch(plan)).commands.map((c) => c.result);
    expect(printf).to.include({ stdout: 'a\nb\n\n', stderr: '', exitCode: 0, failed: false });
    expect(ls).to.include({ stdout: '', exitCode: 2, failed: true });
    expect(ls!.stderr).to.contain('no such file');
    expect(missing).to.include({ exitCode: 127, failed: true });
    expect(missing!.stderr).to.contain('mplsgre-no-such-binary');
    expect(sleep).to.include({ exitCode: 124, timedOut: true });
  });

  it('a module name that is not [A-Za-z0-9_-] is refused before anything runs', () => {
    expect(() => batchArgs({ files: [], commands: [], modules: ['x" ; id'] })).to.throw(/module name/);
  });

  for (const name of factNames()) {
    it(`${name}: the check plan answers every read and query of every check (nothing else reaches the host); verdicts unchanged`, async () => {
      const rec = loadFacts(name);
      const opts = { labels: rec.recorded.options.labels, ignore: [], failOn: 'fail' as const, ...(rec.recorded.options.iface ? { iface: rec.recorded.options.iface } : {}) };
      const plain = await checkCommand({ host: new ReplayHost(rec), ...opts });
      const replay = new ReplayHost(rec);
      const after: string[] = [];
      let batches = 0;
      // A host that answers a plan as the remote script would, from the recording; counts what is asked after it.
      const host: Host = {
        name: 'replay',
        exec: (file, args, o) => (after.push(`exec ${commandKey(file, args)}`), replay.exec(file, args, o)),
        readFiles: (paths) => (after.push(...paths.map((p) => `read ${p}`)), replay.readFiles(paths)),
        start: (file, args, o) => replay.start(file, args, o),
        batch: async (plan) => {
          batches++;
          const [rel] = await replay.readFiles(['/proc/sys/kernel/osrelease']);
          const release = rel?.ok ? rel.data.toString().trim() : '';
          const files = (await replay.readFiles(plan.files.map((p) => p.replace(RELEASE_TOKEN, release))));
          const commands: { file: string; args: readonly string[]; result: ExecResult }[] = [];
          for (const c of plan.commands) commands.push({ file: c.file, args: c.args, result: await replay.exec(c.file, c.args) });
          const [dep] = await replay.readFiles([`/lib/modules/${release}/modules.dep`]);
          const paths = dep?.ok ? parseModulePaths(dep.data.toString(), true) : new Map<string, string>();
          const readable: FileRead[] = [];
          for (const m of plan.modules) {
            const p = paths.get(m);
            if (p) readable.push(...(await replay.readFiles([p.startsWith('/') ? p : `/lib/modules/${release}/${p}`])).map((f) => (f.ok ? { ...f, data: Buffer.alloc(0) } : f)));
          }
          return { files, commands, readable };
        },
      };
      const batched = await checkCommand({ host, ...opts });
      expect(batches).to.equal(1);
      // Only boot.persistence's reads that depend on the batch's answers come after it: the state
      // record of each interface /proc/net/dev lists, and what install wrote for a recorded tunnel.
      const [dev] = await replay.readFiles(['/proc/net/dev']);
      const records = parseNetDev(dev?.ok ? dev.data.toString() : '').map((i) => `read ${process.env.MPLSGRE_STATE_DIR ?? '/run/mplsgre'}/${i}@replay.json`);
      const installed = /^read (\/etc\/mplsgre\/|\/etc\/systemd\/system\/mplsgre-|\/etc\/modules-load\.d\/mplsgre-)/;
      expect(after.filter((a) => !records.includes(a) && !installed.test(a)), 'asked of the host after the batch').to.deep.equal([]);
      expect(after.filter((a) => records.includes(a)), 'the state records of the interfaces found').to.have.members(records);
      expect(batched.checks.map((c) => [c.id, c.status, c.summary])).to.deep.equal(plain.checks.map((c) => [c.id, c.status, c.summary]));
      expect(batched.hostname).to.equal(plain.hostname);
    });
  }
});
