import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { lstat, mkdtemp, readdir, readlink, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LabResult } from '../../src/commands/lab.js';
import { ensureUmlKernel, findUmlKernel } from '../../src/host/uml.js';
import { ROOT } from '../support/fixtures.js';
import { schemaErrors } from '../support/schema.js';

interface Run { code: number | null; signal: string | null; stdout: string; stderr: string }

/**
 * The lab's own temporary folder: what it leaves there is its own, whatever else runs on this
 * machine (the user-mode Linux guest's files live there too, so its processes name it).
 */
let tmp = '';

/** The README's main job, as a user runs it: `mplsgre lab` with the embedded seed topology. */
function lab(args: string[], onStderr?: (text: string, kill: (s: NodeJS.Signals) => void) => void): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(ROOT, 'bin', 'mplsgre.js'), 'lab', ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, TMPDIR: tmp } });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), 240_000);
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      onStderr?.(stderr, (s) => child.kill(s));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

const leftovers = async (): Promise<string[]> => readdir(tmp);

/** What the host has at a path: absent, a folder, a file, or a link and its target. */
async function entry(path: string): Promise<string> {
  const st = await lstat(path).catch(() => undefined);
  if (!st) return 'absent';
  if (st.isSymbolicLink()) return `link -> ${await readlink(path)}`;
  return st.isDirectory() ? 'folder' : 'file';
}

/** The host's module paths the guest's kernel release would use: the lab must leave them as they were. */
const moduleEntries = async (release: string): Promise<Record<string, string>> => ({
  '/lib/modules': await entry('/lib/modules'),
  [`/lib/modules/${release}`]: await entry(`/lib/modules/${release}`),
});
let release = '';
let hostModules: Record<string, string> = {};

describe('kernel tier: mplsgre lab end to end', function () {
  this.timeout(300_000);
  before(async () => {
    // Taken before anything of mplsgre runs: making the kernel usable must not touch the host's /lib either.
    release = (await findUmlKernel())?.release ?? '6.1.176';
    hostModules = await moduleEntries(release);
    await ensureUmlKernel((m) => console.log(`      ${m}`));
    tmp = await mkdtemp(join(tmpdir(), 'mplsgre-labtest-'));
  });
  after(() => rm(tmp, { recursive: true, force: true }));

  it('passes both directions on the seed topology and leaves nothing behind', async () => {
    const before = await leftovers();
    const r = await lab(['--json']);
    const doc = JSON.parse(r.stdout) as { result: LabResult };
    expect(r.code, r.stderr).to.equal(0);
    expect(schemaErrors(doc), 'lab --json against the schema').to.equal(undefined);
    const res = doc.result;
    expect(res.ok).to.equal(true);
    expect(res.kernel).to.be.a('string');
    expect(res.verify?.directions.map((d) => [d.from, d.to, d.label, d.ok, d.received])).to.deep.equal([['A', 'B', 100, true, 5], ['B', 'A', 101, true, 5]]);
    expect(res.down?.ok).to.equal(true);
    expect(res.leftBehind).to.deep.equal([]);
    expect(r.stderr).to.match(/✔ verify A->B: 5\/5 replies, label 100 inside GRE/);
    expect(r.stderr).to.match(/✔ down: all removed/);
    expect(await leftovers()).to.deep.equal(before);
    expect(await moduleEntries(release), "the host's module folder, as before the lab").to.deep.equal(hostModules);
    expect(r.stderr).to.match(/modules at \/lib\/modules through a mount of its own/);
  });

  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    it(`${sig} during the lab exits ${sig === 'SIGINT' ? 130 : 143} and leaves nothing behind`, async () => {
      const before = await leftovers();
      let sent = false;
      const r = await lab([], (text, kill) => {
        if (!sent && /namespaces \+ underlay/.test(text)) {
          sent = true;
          kill(sig);
        }
      });
      expect(sent, `the lab reached its namespaces step: ${r.stderr}`).to.equal(true);
      expect(r.code, r.stderr).to.equal(sig === 'SIGINT' ? 130 : 143);
      expect(r.stderr, 'says when the cleanup finished and what it removed').to.match(/✔ cleanup finished: removed the user-mode Linux guest, with its namespaces and tunnel/);
      expect(r.stderr, 'nothing after the cleanup says it is still going on').to.not.match(/cleaning up/);
      expect(await leftovers()).to.deep.equal(before);
      expect(await moduleEntries(release)).to.deep.equal(hostModules);
      const uml = await new Promise<string>((res) => {
        const p = spawn('pgrep', ['-f', `MPLSGRE_JOB=${tmp}/`], { stdio: ['ignore', 'pipe', 'ignore'] });
        let out = '';
        p.stdout.on('data', (d: Buffer) => (out += d.toString()));
        p.on('close', () => res(out.trim()));
      });
      expect(uml, 'no user-mode Linux process left').to.equal('');
    });
  }
});
