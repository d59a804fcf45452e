import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../support/run-cli.js';

/**
 * A network namespace that does not exist stops the run the same way everywhere: exit 3 (the
 * environment), for `check --netns`, `diagnose --netns` and a topology's netns targets alike.
 */
describe('a network namespace that does not exist: exit 3 everywhere', () => {
  const ns = (side: string): string => `mplsgre-absent-${process.pid}-${side}`;
  let dir: string;
  let topology: string;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'mplsgre-missing-netns-'));
    topology = join(dir, 'absent.yaml');
    writeFileSync(topology, [
      'tunnel: { name: foo4, overlay: 10.199.0.0/24 }',
      'hosts:',
      `  A: { target: "netns:${ns('a')}", underlay: 10.128.0.2, overlay: 10.199.0.1, label: 100 }`,
      `  B: { target: "netns:${ns('b')}", underlay: 10.128.100.2, overlay: 10.199.0.2, label: 101 }`,
      '',
    ].join('\n'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  for (const argv of [['check', '--netns', ns('a')], ['diagnose', '--netns', ns('a'), 'RTNETLINK answers: Operation not supported']]) {
    it(`${argv[0]} --netns: exit 3, an environment error naming the namespace`, async () => {
      const r = await runCli([...argv, '--json']);
      expect(r.code, r.stdout).to.equal(3);
      const doc = JSON.parse(r.stdout) as { error: { code: string; exitCode: number; message: string } };
      expect(doc.error).to.deep.include({ code: 'environment', exitCode: 3 });
      expect(doc.error.message).to.include(`"${ns('a')}" does not exist`);
      const text = await runCli(argv);
      expect(text.code).to.equal(3);
      expect(text.stderr).to.match(new RegExp(`^mplsgre ${argv[0]}: --netns: network namespace "${ns('a')}" does not exist`));
    });
  }

  it('check: bad input still comes first (exit 2 on the bad option, not 3 on the namespace)', async () => {
    const r = await runCli(['check', '--netns', ns('a'), '--kernel-config', join(dir, 'no-such-config'), '--json']);
    expect(r.code).to.equal(2);
    expect((JSON.parse(r.stdout) as { error: { field: string } }).error.field).to.equal('--kernel-config');
  });

  for (const command of ['up', 'verify', 'down']) {
    it(`${command}: both hosts missing, both named in one error, exit 3`, async () => {
      const r = await runCli([command, topology]);
      expect(r.code, r.stderr).to.equal(3);
      expect(r.stderr.trim().split('\n')).to.have.length(1);
      expect(r.stderr).to.include(`hosts.A: network namespace "${ns('a')}" does not exist`);
      expect(r.stderr).to.include(`hosts.B: network namespace "${ns('b')}" does not exist`);
      const j = await runCli([command, topology, '--json']);
      expect((JSON.parse(j.stdout) as { error: { code: string; exitCode: number } }).error).to.deep.include({ code: 'environment', exitCode: 3 });
    });
  }
});
