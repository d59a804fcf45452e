import { expect } from 'chai';
import { execFile, execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { execLocal } from '../../src/host/spawn.js';
import { defaultCacheDir, resolveCommand, ToolCache } from '../../src/host/tool-cache.js';
import { ROOT } from '../support/fixtures.js';

/**
 * The tool cache against the real `ip`: a copy of the binary in a folder of the test's own, put
 * first on PATH, so the test can replace and touch it.
 */
describe('tool cache (ip -V keyed by the binary that printed it)', () => {
  let dir: string;
  let bin: string;
  let savedPath: string | undefined;
  const ipPath = resolveCommand('ip');

  beforeEach(() => {
    if (!ipPath) throw new Error('ip (iproute2) is not installed');
    dir = mkdtempSync(join(tmpdir(), 'mplsgre-tool-cache-'));
    bin = join(dir, 'bin');
    copyFileSync(ipPath, join(dir, 'ip'));
    savedPath = process.env.PATH;
    process.env.PATH = `${dir}:${savedPath ?? ''}`;
  });
  afterEach(() => {
    process.env.PATH = savedPath;
    rmSync(dir, { recursive: true, force: true });
  });

  const run = async (cache: ToolCache) => {
    const hit = cache.lookup('ip', ['-V']);
    if (hit) return { r: hit.result, hit: true };
    const r = await execLocal('ip', ['-V'], { timeoutMs: 3_000 });
    cache.store('ip', ['-V'], r);
    return { r, hit: false };
  };

  it('answers a second process from the cache with what the binary printed, and says which file', async () => {
    const first = await run(new ToolCache(bin));
    expect(first.hit).to.equal(false);
    expect(first.r.stdout).to.match(/iproute2-/);
    const second = new ToolCache(bin).lookup('ip', ['-V']);
    expect(second?.result.stdout).to.equal(first.r.stdout);
    expect(second?.binary.path).to.equal(join(dir, 'ip'));
    expect(statSync(join(bin, 'tools.json')).mode & 0o777).to.equal(0o600);
  });

  it('misses once the binary is touched, replaced or gone', async () => {
    await run(new ToolCache(bin));
    const t = new Date(Date.now() - 60_000);
    utimesSync(join(dir, 'ip'), t, t);
    expect(new ToolCache(bin).lookup('ip', ['-V']), 'mtime changed').to.equal(undefined);
    await run(new ToolCache(bin));
    expect(new ToolCache(bin).lookup('ip', ['-V'])).to.not.equal(undefined);
    rmSync(join(dir, 'ip'));
    copyFileSync(ipPath!, join(dir, 'ip'));
    expect(new ToolCache(bin).lookup('ip', ['-V']), 'new inode').to.equal(undefined);
    rmSync(join(dir, 'ip'));
    process.env.PATH = dir;
    expect(new ToolCache(bin).lookup('ip', ['-V']), 'not on PATH').to.equal(undefined);
  });

  it('passes over PATH directories it may not search, as execvp does', () => {
    const locked = join(dir, 'locked');
    mkdirSync(locked, { mode: 0o700 });
    copyFileSync(ipPath!, join(locked, 'ip'));
    // As nobody, `locked` (root's, 0700) cannot be searched: stat says EACCES, not ENOENT.
    const script = `import('${join(ROOT, 'dist', 'src', 'host', 'tool-cache.js')}').then((m) => console.log(m.resolveCommand('ip', process.argv[1])))`;
    const out = execFileSync('setpriv', ['--reuid=nobody', '--regid=nogroup', '--clear-groups', process.execPath, '-e', script, `${locked}:${dirname(ipPath!)}`], { encoding: 'utf8', timeout: 10_000 });
    expect(out.trim()).to.equal(ipPath);
  });

  it('keeps nothing from a failed run, and another argv is another entry', async () => {
    const cache = new ToolCache(bin);
    const bad = await execLocal('ip', ['--no-such-option'], { timeoutMs: 3_000 });
    expect(bad.failed).to.equal(true);
    cache.store('ip', ['--no-such-option'], bad);
    expect(new ToolCache(bin).lookup('ip', ['--no-such-option'])).to.equal(undefined);
    await run(cache);
    expect(new ToolCache(bin).lookup('ip', ['-Version'])).to.equal(undefined);
  });

  it('treats a corrupt, foreign or oversized file as no cache, and rewrites it', async () => {
    const cache = new ToolCache(bin);
    await run(cache);
    const file = join(bin, 'tools.json');
    for (const junk of ['{', '[]', '{"version":2,"entries":{}}', JSON.stringify({ version: 1, entries: { '["ip","-V"]': { binary: 'x' } } }), ' '.repeat(300 * 1024)]) {
      writeFileSync(file, junk);
      const c = new ToolCache(bin);
      expect(c.lookup('ip', ['-V']), junk.slice(0, 30)).to.equal(undefined);
      await run(c);
      expect(new ToolCache(bin).lookup('ip', ['-V'])).to.not.equal(undefined);
    }
  });

  it('writes nothing where it cannot, and is off with MPLSGRE_TOOL_CACHE=off', async () => {
    writeFileSync(join(dir, 'file'), '');
    const blocked = new ToolCache(join(dir, 'file', 'sub'));
    const r = await run(blocked);
    expect(r.r.failed).to.equal(false);
    expect(defaultCacheDir({ MPLSGRE_TOOL_CACHE: 'off', HOME: '/root' })).to.equal(undefined);
    expect(defaultCacheDir({ MPLSGRE_CACHE_DIR: '/x' })).to.equal('/x');
    expect(defaultCacheDir({ XDG_CACHE_HOME: '/c', HOME: '/h' })).to.equal('/c/mplsgre');
    expect(defaultCacheDir({ XDG_CACHE_HOME: 'relative', HOME: '/h' })).to.equal('/h/.cache/mplsgre');
    expect(defaultCacheDir({})).to.equal(undefined);
  });
});

describe('the installed CLI: one bundle, V8 code cache, tool cache', () => {
  const run = promisify(execFile);
  const cli = join(ROOT, 'bin', 'mplsgre.js');
  const check = async (env: NodeJS.ProcessEnv) => {
    const r = await run(process.execPath, [cli, 'check', '--json', '--iface', 'foo4', '--labels', '100,101'], { env: { ...process.env, ...env }, timeout: 30_000 })
      .catch((e: { code: number; stdout: string; stderr: string }) => e);
    return JSON.parse(r.stdout) as { result: { checks: { id: string; status: string; summary: string; evidence: { source: string }[] }[] } };
  };
  const verdicts = (d: Awaited<ReturnType<typeof check>>) => d.result.checks.map((c) => `${c.id} ${c.status} ${c.summary}`);

  it('gives the same verdicts cold, warm, with a corrupt code cache and with the caches off', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mplsgre-cli-cache-'));
    try {
      const off = await check({ MPLSGRE_TOOL_CACHE: 'off' });
      const cold = await check({ MPLSGRE_CACHE_DIR: dir });
      const files = readdirSync(dir).sort();
      expect(files).to.have.length(2);
      expect(files[0]).to.match(/^code-v\d+\.\d+\.\d+-[a-z0-9]+-\d+-\d+-\d+\.v8$/);
      expect(files[1]).to.equal('tools.json');
      const warm = await check({ MPLSGRE_CACHE_DIR: dir });
      expect(verdicts(cold)).to.deep.equal(verdicts(off));
      expect(verdicts(warm)).to.deep.equal(verdicts(off));
      const tool = (d: typeof warm) => d.result.checks.find((c) => c.id === 'tool.iproute2')!.evidence[0]!.source;
      expect(tool(off)).to.equal('ip -V');
      expect(tool(cold)).to.equal('ip -V');
      expect(tool(warm)).to.match(/^ip -V \(as \/.*\/ip printed it at \d{4}-.*; the file is unchanged since\)$/);
      // V8 refuses a damaged cache: the run compiles as usual and leaves a good cache behind.
      const code = join(dir, files[0]!);
      writeFileSync(code, Buffer.alloc(4096, 0x5a));
      const damaged = await check({ MPLSGRE_CACHE_DIR: dir });
      expect(verdicts(damaged)).to.deep.equal(verdicts(off));
      expect(readFileSync(code).equals(Buffer.alloc(4096, 0x5a))).to.equal(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the bundle has no import() left: the code-cache loader gives its script no dynamic-import callback', () => {
    const bundle = readFileSync(join(ROOT, 'dist', 'bundle', 'main.cjs'), 'utf8');
    expect(bundle.match(/[^\w$.]import\(/g) ?? []).to.deep.equal([]);
  });

  it('reaches the modules the bundle loads at run time (check --netns, diagnose)', async () => {
    const ns = `mplsgre-boot-${process.pid}`;
    await run('ip', ['netns', 'add', ns], { timeout: 10_000 });
    try {
      const r = await run(process.execPath, [cli, 'check', '--json', '--netns', ns], { timeout: 30_000 }).catch((e: { stdout: string }) => e);
      const doc = JSON.parse(r.stdout) as { result: { target: string; checks: { id: string; summary: string }[] } };
      expect(doc.result.target).to.equal(`netns:${ns}`);
      for (const c of doc.result.checks) expect(c.summary, c.id).to.not.match(/import/i);
      const d = await run(process.execPath, [cli, 'diagnose', '--json', 'RTNETLINK answers: Operation not supported', '--command', 'ip -f mpls route add 101 dev lo'], { timeout: 30_000 })
        .catch((e: { stdout: string }) => e);
      expect((JSON.parse(d.stdout) as { result: { findings: { causes: { id: string }[] }[] } }).result.findings[0]?.causes[0]?.id).to.equal('mpls_router_missing');
    } finally {
      await run('ip', ['netns', 'del', ns], { timeout: 10_000 });
    }
  });
});
