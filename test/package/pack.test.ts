import { expect } from 'chai';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { ROOT } from '../support/fixtures.js';
import { schemaErrors } from '../support/schema.js';

const BUILTINS = new Set(builtinModules);

const run = (file: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv; timeout?: number } = {}): SpawnSyncReturns<string> =>
  spawnSync(file, args, { encoding: 'utf8', timeout: opts.timeout ?? 60_000, cwd: opts.cwd ?? ROOT, env: opts.env ?? process.env });

/** npm beside this Node, so the test needs no npm on PATH of its own. */
const NPM_CLI = join(dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'bin', 'npm-cli.js');
const npm = (args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv; timeout?: number } = {}): SpawnSyncReturns<string> => run(process.execPath, [NPM_CLI, ...args], opts);

describe('npm package: the tarball installs with no network and runs from another folder', function () {
  this.timeout(240_000);
  let tmp = '';
  let files: string[] = [];
  let project = "";
  // npm's own variables from an enclosing `npm test` must not steer the install.
  const cleanEnv = (): NodeJS.ProcessEnv => Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.toLowerCase().startsWith('npm_')));

  before(() => {
    tmp = mkdtempSync(join(tmpdir(), 'mplsgre-pack-'));
    // The tree `npm test` has just built: --ignore-scripts skips prepack's second build.
    const pack = npm(['pack', '--ignore-scripts', '--json', '--pack-destination', tmp], { env: cleanEnv() });
    expect(pack.status, pack.stderr).to.equal(0);
    files = (JSON.parse(pack.stdout) as { files: { path: string }[] }[])[0]!.files.map((f) => f.path);

    const packed = (JSON.parse(pack.stdout) as { filename: string; integrity: string }[])[0]!;
    // A project that depends on the tarball, locked: npm ci then needs no registry metadata. The
    // package has no dependencies of its own: yaml, execa and cli-table3 are inside the bundle.
    project = join(tmp, 'project');
    mkdirSync(project);
    const spec = `file:../${packed.filename}`;
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as Record<string, unknown>;
    const manifest = { name: 'mplsgre-install-test', version: '1.0.0', private: true, dependencies: { mplsgre: spec } };
    writeFileSync(join(project, 'package.json'), JSON.stringify(manifest));
    writeFileSync(join(project, 'package-lock.json'), JSON.stringify({
      ...manifest,
      lockfileVersion: 3,
      requires: true,
      packages: {
        '': manifest,
        'node_modules/mplsgre': { version: pkg.version, resolved: spec, integrity: packed.integrity, license: pkg.license, bin: pkg.bin, engines: pkg.engines },
      },
    }));
    // No network at all (a network namespace with only a downed loopback).
    const install = run('unshare', ['--net', '--', process.execPath, NPM_CLI, 'ci', '--offline', '--no-audit', '--no-fund'], { env: cleanEnv(), cwd: project, timeout: 180_000 });
    expect(install.status, install.stderr).to.equal(0);
  });
  after(() => rmSync(tmp, { recursive: true, force: true }));

  it('needs nothing from the registry at run time: every library it runs is inside the bundle', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
    expect(pkg.dependencies ?? {}).to.deep.equal({});
    const bundle = readFileSync(join(project, 'node_modules', 'mplsgre', 'dist', 'bundle', 'main.cjs'), 'utf8');
    const required = [...bundle.matchAll(/\brequire\("([^"]+)"\)/g)].map((m) => m[1]!).filter((m) => !m.startsWith('node:') && !BUILTINS.has(m));
    expect(required, 'modules the bundle requires that are not built into node').to.deep.equal([]);
  });

  it('ships what runs and nothing else: no tests, fixtures, sources or maps', () => {
    for (const need of ['package.json', 'bin/mplsgre.js', 'bin/package.json', 'dist/bundle/mplsgre.cjs', 'dist/bundle/main.cjs', 'dist/src/host/uml-guest.js', 'dist/src/host/uml-guest-argv.js', 'examples/seed.yaml']) {
      expect(files, need).to.include(need);
    }
    const unwanted = files.filter((f) => /^(test|src|scripts|bench|checks|eslint-rules)\//.test(f) || /fixtures/.test(f) || (f.endsWith('.ts') && !f.endsWith('.d.ts')) || f.endsWith('.map') || f.startsWith('dist/test/'));
    expect(unwanted).to.deep.equal([]);
    expect(files.length).to.be.below(20);
  });

  it('builds before packing (prepack)', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts.prepack).to.equal('npm run build');
  });

  it('the installed mplsgre runs --version, check --json and plan from another folder', () => {
    const away = mkdtempSync(join(tmp, 'elsewhere-'));
    const bin = join(project, 'node_modules', '.bin', 'mplsgre');
    const env = { ...cleanEnv(), PATH: `${dirname(process.execPath)}:/usr/sbin:/usr/bin:/sbin:/bin` };
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    const version = run(bin, ['--version'], { cwd: away, env });
    expect(version.stdout, version.stderr).to.equal(`mplsgre ${pkg.version}\n`);
    const check = run(bin, ['check', '--json'], { cwd: away, env });
    expect(check.stderr).to.not.match(/Cannot find module|\n\s+at /);
    expect(schemaErrors(JSON.parse(check.stdout))).to.equal(undefined);
    expect(check.status).to.be.oneOf([0, 1]);
    const seed = join(project, 'node_modules', 'mplsgre', 'examples', 'seed.yaml');
    const plan = run(bin, ['plan', seed], { cwd: away, env });
    expect(plan.status, plan.stderr).to.equal(0);
    expect(plan.stdout).to.match(/^Plan: gre tunnel foo4/);
  });

  it('the installed lab finds its embedded seed: without privileges it stops at the capability (exit 3)', () => {
    const away = mkdtempSync(join(tmp, 'lab-'));
    chmodSync(tmp, 0o755);
    chmodSync(away, 0o777);
    const r = run('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', '--', join(project, 'node_modules', '.bin', 'mplsgre'), 'lab'], {
      cwd: away,
      env: { PATH: `${dirname(process.execPath)}:/usr/sbin:/usr/bin`, HOME: away, TMPDIR: away },
    });
    expect(r.stderr).to.match(/lab needs CAP_NET_ADMIN/);
    expect(r.status).to.equal(3);
  });

  it('a clone before its build says what to run and exits 3, no stack trace', () => {
    const clone = mkdtempSync(join(tmp, 'clone-'));
    cpSync(join(ROOT, 'bin'), join(clone, 'bin'), { recursive: true });
    cpSync(join(ROOT, 'package.json'), join(clone, 'package.json'));
    const r = run(process.execPath, [join(clone, 'bin', 'mplsgre.js'), 'check']);
    expect(r.status).to.equal(3);
    expect(r.stderr).to.contain('run npm ci && npm run build first');
    expect(r.stderr).to.not.match(/\n\s+at |Cannot find module/);
    expect(r.stdout).to.equal('');
  });
});
