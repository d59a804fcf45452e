import { readFileSync } from 'node:fs';
import { mkdtemp, writeFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { UsageError } from '../../src/core/errors.js';
import { formatTarget, loadTopology, parseTarget, parseTopology } from '../../src/core/topology.js';
import { planCommand } from '../../src/commands/plan.js';

const ROOT = new URL('../../../', import.meta.url);
const example = (name: string): string => fileURLToPath(new URL(`examples/${name}`, ROOT));

async function usageField(p: Promise<unknown>): Promise<string | undefined> {
  try {
    await p;
  } catch (e) {
    if (e instanceof UsageError) return e.field;
    throw e;
  }
  throw new Error('expected a UsageError');
}

describe('topology', () => {
  it('reads the seed example with its defaults', async () => {
    const t = await loadTopology(example('seed.yaml'));
    expect(t).to.deep.equal({
      tunnel: { name: 'foo4', mode: 'gre', overlay: '10.199.0.0/24', platformLabels: 65535 },
      rpFilter: 2,
      hosts: [
        { name: 'A', target: { kind: 'netns', name: 'A' }, underlay: '10.128.0.2', overlay: '10.199.0.1', label: 100 },
        { name: 'B', target: { kind: 'netns', name: 'B' }, underlay: '10.128.100.2', overlay: '10.199.0.2', label: 101 },
      ],
    });
  });

  it('reads the ssh example', async () => {
    const t = await loadTopology(example('two-hosts-ssh.yaml'));
    expect(t.hosts.map((h) => h.target)).to.deep.equal([
      { kind: 'ssh', user: 'root', host: '10.128.0.2' },
      { kind: 'ssh', user: 'root', host: '10.128.100.2' },
    ]);
    expect(t.tunnel.name).to.equal('foo4');
  });

  it('every file in examples/ parses', async () => {
    const { readdir } = await import('node:fs/promises');
    const files = (await readdir(fileURLToPath(new URL('examples/', ROOT)))).filter((f) => f.endsWith('.yaml'));
    expect(files.length).to.be.greaterThan(1);
    for (const f of files) await loadTopology(example(f));
  });

  it('defaults platformLabels above the highest label and honours explicit options', () => {
    const seed = readFileSync(example('seed.yaml'), 'utf8');
    const t = parseTopology(seed.replace('label: 101', 'label: 200000'));
    expect(t.tunnel.platformLabels).to.equal(200001);
    const u = parseTopology(
      seed.replace('overlay: 10.199.0.0/24 }', 'overlay: 10.199.0.0/24, mode: gre, platformLabels: 1048575, ttl: 64 }').replace('hosts:', 'rpFilter: 0\nhosts:'),
    );
    expect(u.tunnel).to.deep.equal({ name: 'foo4', mode: 'gre', overlay: '10.199.0.0/24', platformLabels: 1048575, ttl: 64 });
    expect(u.rpFilter).to.equal(0);
  });

  it('canonicalises IPv6 addresses', () => {
    const t = parseTopology(`
tunnel: { name: t6, overlay: "FD00:0199:0000::/64" }
hosts:
  A: { target: local, underlay: "2001:DB8:0:0:0:0:0:2", overlay: "fd00:199::0001", label: 16 }
  B: { target: "netns:b-1", underlay: "2001:db8::1:0:0:2", overlay: "fd00:199::ffff:ffff:ffff:ffff", label: 17 }
`);
    expect(t.tunnel.overlay).to.equal('fd00:199::/64');
    expect(t.tunnel.mode).to.equal('ip6gre');
    expect(t.hosts.map((h) => [h.underlay, h.overlay])).to.deep.equal([
      ['2001:db8::2', 'fd00:199::1'],
      ['2001:db8::1:0:0:2', 'fd00:199::ffff:ffff:ffff:ffff'],
    ]);
  });

  it('parses the three target forms and formats them back', () => {
    for (const s of ['local', 'netns:A', 'netns:ns_1.x-2', 'ssh:host', 'ssh:root@10.0.0.1', 'ssh:deploy_1@gw.example.net:2222', 'ssh:root@[2001:db8::2]:22']) {
      expect(formatTarget(parseTarget(s, '--target'))).to.equal(s);
    }
    expect(parseTarget('ssh:u@[2001:DB8::2]', 'x')).to.deep.equal({ kind: 'ssh', user: 'u', host: '2001:db8::2' });
  });

  it('names FILE when the file cannot be read, is a directory or is too big', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mplsgre-topology-'));
    try {
      expect(await usageField(loadTopology(join(dir, 'missing.yaml')))).to.equal('FILE');
      expect(await usageField(loadTopology(dir))).to.equal('FILE');
      const big = join(dir, 'big.yaml');
      await writeFile(big, `# ${'x'.repeat(1024 * 1024)}\n`);
      expect(await usageField(loadTopology(big))).to.equal('FILE');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('names the file and line in messages', () => {
    try {
      parseTopology('tunnel: &t { name: foo4, overlay: 10.199.0.0/24 }\nhosts:\n  A: *t\n', 'bad.yaml');
      expect.fail('accepted an alias');
    } catch (e) {
      expect((e as UsageError).field).to.equal('hosts.A');
      expect((e as Error).message).to.match(/bad\.yaml:3/);
    }
  });

  it('planCommand returns the plan and its text', async () => {
    const r = await planCommand({ file: example('seed.yaml') });
    expect(r.plan.hosts.map((h) => h.name)).to.deep.equal(['A', 'B']);
    expect(r.text).to.include('ip tunnel add name foo4 mode gre remote 10.128.100.2 local 10.128.0.2');
  });
});
