import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { parseTopology, type Topology } from '../../src/core/topology.js';
import { isInEffect, plan, quoteForDisplay, renderPlan, sysctlKey, sysctlProcPath, type Action, type Step } from '../../src/core/planner.js';

const ROOT = new URL('../../../', import.meta.url);
const GOLDEN = new URL('test/fixtures/plans/', ROOT);
const seedText = readFileSync(new URL('examples/seed.yaml', ROOT), 'utf8');

/** Compares with a golden file; UPDATE_GOLDEN=1 rewrites it instead. */
function golden(name: string, actual: string): void {
  const url = new URL(name, GOLDEN);
  if (process.env.UPDATE_GOLDEN === '1') {
    mkdirSync(fileURLToPath(GOLDEN), { recursive: true });
    writeFileSync(url, actual);
  }
  expect(actual, `${name} differs; review the change and rerun with UPDATE_GOLDEN=1`).to.equal(readFileSync(url, 'utf8'));
}

// ---- A small model of one host's kernel state, enough to run a plan forward and back. ----

interface LinkState { up: boolean; addrs: string[]; conf: Record<string, string> }
interface HostState {
  modules: string[];
  sysctl: Record<string, string>;
  links: Record<string, LinkState>;
  routes: string[];
  mpls: string[];
}

const MODULE_DEPS: Record<string, string[]> = { mpls_iptunnel: ['mpls_router'], mpls_gso: [], mpls_router: [], ip_gre: [], ip6_gre: [] };

function freshHost(): HostState {
  return { modules: [], sysctl: { 'net.ipv4.conf.all.rp_filter': '1' }, links: { lo: { up: false, addrs: [], conf: { 'ipv4.rp_filter': '0' } } }, routes: [], mpls: [] };
}

class Simulator {
  readonly s: HostState = freshHost();
  private readonly loadedByUs = new Set<string>();
  private readonly saved = new Map<string, string>();

  private link(name: string): LinkState {
    const l = this.s.links[name];
    if (!l) throw new Error(`Cannot find device "${name}"`);
    return l;
  }

  private need(module: string): void {
    if (!this.s.modules.includes(module)) throw new Error(`module ${module} is not loaded`);
  }

  /** Resolves a sysctl key to the place that holds it; per-device keys live and die with the device. */
  private sysctlSlot(key: string): { get: () => string; set: (v: string) => void } {
    const parts = key.split(key.includes('/') ? '/' : '.');
    const [net, proto, third, dev, leaf] = parts;
    const global = (k: string) => ({ get: () => this.s.sysctl[k] ?? '', set: (v: string) => { this.s.sysctl[k] = v; } });
    if (net !== 'net') throw new Error(`unknown sysctl ${key}`);
    if (proto === 'mpls') {
      this.need('mpls_router');
      if (third === 'platform_labels' && parts.length === 3) {
        return { get: () => this.s.sysctl['net.mpls.platform_labels'] ?? '', set: (v) => {
          this.s.sysctl['net.mpls.platform_labels'] = v;
          this.s.mpls = this.s.mpls.filter((m) => Number(m.split('|')[0]) < Number(v)); // the kernel drops routes that no longer fit
        } };
      }
    }
    if (third === 'conf' && dev !== undefined && leaf !== undefined && parts.length === 5) {
      if (proto === 'ipv4' && (dev === 'all' || dev === 'default')) return global(key);
      const l = this.link(dev);
      const k = `${proto}.${leaf}`;
      if (l.conf[k] === undefined) throw new Error(`no sysctl ${key}`);
      return { get: () => l.conf[k] ?? '', set: (v) => { l.conf[k] = v; } };
    }
    throw new Error(`unknown sysctl ${key}`);
  }

  apply(a: Action): void {
    switch (a.kind) {
      case 'modprobe':
        for (const dep of MODULE_DEPS[a.module] ?? []) this.apply({ kind: 'modprobe', module: dep });
        if (!this.s.modules.includes(a.module)) {
          this.s.modules.push(a.module);
          this.loadedByUs.add(a.module);
          if (a.module === 'mpls_router') {
            this.s.sysctl['net.mpls.platform_labels'] = '0';
            for (const l of Object.values(this.s.links)) l.conf['mpls.input'] = '0';
          }
        }
        return;
      case 'module-unload-if-loaded-by-us': {
        if (!this.loadedByUs.has(a.module)) return;
        const users = Object.entries(MODULE_DEPS).filter(([m, deps]) => deps.includes(a.module) && this.s.modules.includes(m));
        if (users.length > 0) throw new Error(`module ${a.module} is in use by ${users.map(([m]) => m).join(', ')}`);
        if (/gre/.test(a.module) && Object.keys(this.s.links).some((l) => l !== 'lo')) throw new Error(`module ${a.module} is in use`);
        this.s.modules = this.s.modules.filter((m) => m !== a.module);
        this.loadedByUs.delete(a.module);
        if (a.module === 'mpls_router') {
          delete this.s.sysctl['net.mpls.platform_labels'];
          this.s.mpls = [];
          for (const l of Object.values(this.s.links)) delete l.conf['mpls.input'];
        }
        return;
      }
      case 'sysctl-write': {
        const slot = this.sysctlSlot(a.key);
        this.saved.set(a.key, slot.get());
        slot.set(a.value);
        return;
      }
      case 'sysctl-restore': {
        const before = this.saved.get(a.key);
        if (before === undefined) throw new Error(`nothing recorded for ${a.key}`);
        this.sysctlSlot(a.key).set(before);
        return;
      }
      case 'exec':
        this.exec([...a.argv]);
    }
  }

  private exec(argv: string[]): void {
    const [ip, ...rest] = argv;
    if (ip !== 'ip') throw new Error(`unexpected command ${quoteForDisplay(argv)}`);
    const w = rest.filter((x) => x !== '-6' && x !== '-4');
    const is = (...prefix: string[]) => prefix.every((p, i) => w[i] === p);
    const after = (key: string): string => {
      const i = w.indexOf(key);
      const v = i >= 0 ? w[i + 1] : undefined;
      if (v === undefined) throw new Error(`${key} missing in ${quoteForDisplay(argv)}`);
      return v;
    };
    if (is('tunnel', 'add', 'name')) {
      const name = after('name');
      const mode = after('mode');
      this.need(mode === 'ip6gre' ? 'ip6_gre' : 'ip_gre');
      after('remote');
      after('local');
      if (this.s.links[name]) throw new Error('File exists');
      const conf: Record<string, string> = { 'ipv4.rp_filter': '0' };
      if (this.s.modules.includes('mpls_router')) conf['mpls.input'] = '0';
      this.s.links[name] = { up: false, addrs: [], conf };
    } else if (is('link', 'delete', 'dev')) {
      const name = after('dev');
      this.link(name);
      delete this.s.links[name];
      this.s.routes = this.s.routes.filter((r) => !r.endsWith(`|${name}`));
    } else if (is('link', 'set', 'dev')) {
      const l = this.link(after('dev'));
      const state = w[4];
      if (state !== 'up' && state !== 'down') throw new Error(`unexpected ${quoteForDisplay(argv)}`);
      l.up = state === 'up';
    } else if (is('address', 'add')) {
      const l = this.link(after('dev'));
      const addr = w[2] ?? '';
      if (!addr.includes('/') || l.addrs.includes(addr)) throw new Error(`bad address add ${addr}`);
      l.addrs.push(addr);
    } else if (is('route', 'add') && w[3] === 'encap') {
      this.need('mpls_iptunnel');
      const dev = after('dev');
      if (!this.link(dev).up) throw new Error('Network is down');
      const key = `${w[2]}|${after('mpls')}|${dev}`;
      if (this.s.routes.includes(key)) throw new Error('File exists');
      this.s.routes.push(key);
    } else if (is('-f', 'mpls', 'route', 'add') || is('-f', 'mpls', 'route', 'delete')) {
      this.need('mpls_router');
      const label = w[4] ?? '';
      const dev = after('dev');
      if (!this.link(dev).up) throw new Error(`${dev} is down`);
      const key = `${label}|${dev}`;
      if (w[3] === 'add') {
        if (Number(label) >= Number(this.s.sysctl['net.mpls.platform_labels'] ?? 0)) throw new Error('Invalid argument: label above platform_labels');
        if (this.s.mpls.includes(key)) throw new Error('File exists');
        this.s.mpls.push(key);
      } else {
        if (!this.s.mpls.includes(key)) throw new Error('No such route');
        this.s.mpls = this.s.mpls.filter((m) => m !== key);
      }
    } else {
      throw new Error(`the model does not know ${quoteForDisplay(argv)}`);
    }
  }
}

const snapshot = (s: HostState): string => JSON.stringify(s, (_k, v: unknown) => (Array.isArray(v) ? [...v].sort() : v));

/** Runs every host's steps forward, checks the tunnel is in place, then undoes in reverse. */
function roundTrip(t: Topology): void {
  const p = plan(t);
  for (const hp of p.hosts) {
    const sim = new Simulator();
    const before = snapshot(sim.s);
    for (const step of hp.steps) {
      try {
        sim.apply(step.do);
      } catch (e) {
        throw new Error(`${step.id}: ${(e as Error).message}`);
      }
    }
    const me = t.hosts.find((h) => h.name === hp.name);
    const peer = t.hosts.find((h) => h.name !== hp.name);
    expect(sim.s.links[t.tunnel.name]?.up, 'tunnel up').to.equal(true);
    expect(sim.s.routes).to.deep.equal([`${t.tunnel.overlay}|${me?.label}|${t.tunnel.name}`]);
    expect(sim.s.mpls).to.deep.equal([`${peer?.label}|lo`]);
    for (const step of [...hp.steps].reverse()) {
      if (!step.undo) continue;
      try {
        sim.apply(step.undo);
      } catch (e) {
        throw new Error(`undo of ${step.id}: ${(e as Error).message}`);
      }
    }
    expect(snapshot(sim.s), `${hp.name}: state after undo`).to.equal(before);
  }
}

function seed(): Topology {
  return parseTopology(seedText, 'examples/seed.yaml');
}

describe('planner', () => {
  describe('golden plan of the seed topology', () => {
    it('matches test/fixtures/plans/seed.plan.json', () => {
      golden('seed.plan.json', `${JSON.stringify(plan(seed()), null, 2)}\n`);
    });
    it('matches test/fixtures/plans/seed.plan.txt', () => {
      golden('seed.plan.txt', renderPlan(plan(seed())));
    });
  });

  describe('order and shape', () => {
    const p = plan(seed());
    const ids = (i: number): string[] => p.hosts[i]?.steps.map((s) => s.id.replace(/^[AB]\./, '')) ?? [];

    it('plans the same steps on both hosts, in the fixed order', () => {
      const expected = [
        'module.mpls_router', 'module.mpls_iptunnel', 'module.ip_gre', 'module.mpls_gso',
        'sysctl.platform_labels', 'link.add', 'addr.add', 'link.up', 'sysctl.mpls_input',
        'route.overlay', 'link.lo_up', 'mpls-route.pop', 'sysctl.rp_filter.all',
      ];
      expect(ids(0)).to.deep.equal(expected);
      expect(ids(1)).to.deep.equal(expected);
    });

    it('loads modules before writing any net.mpls sysctl', () => {
      for (const hp of p.hosts) {
        const lastModule = hp.steps.map((s) => s.kind).lastIndexOf('module');
        const firstMpls = hp.steps.findIndex((s) => s.do.kind === 'sysctl-write' && s.do.key.startsWith('net.mpls'));
        expect(lastModule).to.be.lessThan(firstMpls);
      }
    });

    it('gives every step an undo or a note, and null undos point to an earlier undoable step', () => {
      for (const hp of p.hosts) {
        hp.steps.forEach((s: Step, i) => {
          expect(s.undo !== null || (s.undoNote !== undefined && s.undoWith !== undefined), s.id).to.equal(true);
          if (s.undo === null) {
            const owner = hp.steps.findIndex((o) => o.id === s.undoWith);
            expect(owner, s.id).to.be.within(0, i - 1);
            expect(hp.steps[owner]?.undo, s.id).to.not.equal(null);
          }
        });
      }
    });

    it('marks only mpls_gso optional', () => {
      const optional = p.hosts.flatMap((h) => h.steps.filter((s) => s.optional).map((s) => s.id));
      expect(optional).to.deep.equal(['A.module.mpls_gso', 'B.module.mpls_gso']);
    });

    it('keeps the seed commands (mirrored on B)', () => {
      const argv = (i: number, id: string): readonly string[] | undefined => {
        const a = p.hosts[i]?.steps.find((s) => s.id.endsWith(id))?.do;
        return a?.kind === 'exec' ? a.argv : undefined;
      };
      expect(argv(0, 'link.add')).to.deep.equal(['ip', 'tunnel', 'add', 'name', 'foo4', 'mode', 'gre', 'remote', '10.128.100.2', 'local', '10.128.0.2']);
      expect(argv(1, 'link.add')).to.deep.equal(['ip', 'tunnel', 'add', 'name', 'foo4', 'mode', 'gre', 'remote', '10.128.0.2', 'local', '10.128.100.2']);
      expect(argv(0, 'route.overlay')).to.deep.equal(['ip', 'route', 'add', '10.199.0.0/24', 'encap', 'mpls', '100', 'dev', 'foo4']);
      expect(argv(1, 'route.overlay')).to.deep.equal(['ip', 'route', 'add', '10.199.0.0/24', 'encap', 'mpls', '101', 'dev', 'foo4']);
      expect(argv(0, 'mpls-route.pop')).to.deep.equal(['ip', '-f', 'mpls', 'route', 'add', '101', 'dev', 'lo']);
      expect(argv(1, 'mpls-route.pop')).to.deep.equal(['ip', '-f', 'mpls', 'route', 'add', '100', 'dev', 'lo']);
    });

    it('runs forward and back on a model host, leaving it as it was', () => {
      roundTrip(seed());
    });
  });

  describe('variants', () => {
    it('rpFilter 0 also sets lo and the tunnel device (effective value is max(all, dev))', () => {
      const t = parseTopology(seedText.replace('hosts:', 'rpFilter: 0\nhosts:'));
      const keys = plan(t).hosts[0]?.steps.flatMap((s) => (s.do.kind === 'sysctl-write' && s.do.key.includes('rp_filter') ? [`${s.do.key}=${s.do.value}`] : []));
      expect(keys).to.deep.equal(['net.ipv4.conf.all.rp_filter=0', 'net.ipv4.conf.lo.rp_filter=0', 'net.ipv4.conf.foo4.rp_filter=0']);
      roundTrip(t);
    });

    it('an IPv6 underlay and overlay plan ip6gre, -6 routes, /128 addresses and no rp_filter', () => {
      const t = parseTopology(`
tunnel: { name: t6, overlay: "fd00:199::/64", ttl: 64 }
hosts:
  A: { target: local, underlay: "2001:db8::2", overlay: "fd00:199::1", label: 200 }
  B: { target: "ssh:root@[2001:db8:100::2]:2222", underlay: "2001:db8:100::2", overlay: "fd00:199::2", label: 70000 }
`);
      const steps = plan(t).hosts[0]?.steps ?? [];
      const exec = (id: string): readonly string[] => {
        const a = steps.find((s) => s.id === `A.${id}`)?.do;
        return a?.kind === 'exec' ? a.argv : [];
      };
      expect(t.tunnel.mode).to.equal('ip6gre');
      expect(t.tunnel.platformLabels).to.equal(70001);
      expect(steps.some((s) => s.id === 'A.module.ip6_gre')).to.equal(true);
      expect(exec('link.add')).to.deep.equal(['ip', '-6', 'tunnel', 'add', 'name', 't6', 'mode', 'ip6gre', 'remote', '2001:db8:100::2', 'local', '2001:db8::2', 'ttl', '64']);
      expect(exec('addr.add')).to.deep.equal(['ip', 'address', 'add', 'fd00:199::1/128', 'dev', 't6']);
      expect(exec('route.overlay')).to.deep.equal(['ip', '-6', 'route', 'add', 'fd00:199::/64', 'encap', 'mpls', '200', 'dev', 't6']);
      expect(steps.some((s) => s.id.includes('rp_filter'))).to.equal(false);
      roundTrip(t);
    });

    it('writes per-device sysctl keys with "/" when the interface name has a dot', () => {
      const t = parseTopology(seedText.replace('name: foo4', 'name: gre.4').replace('hosts:', 'rpFilter: 0\nhosts:'));
      const keys = plan(t).hosts[0]?.steps.flatMap((s) => (s.do.kind === 'sysctl-write' ? [s.do.key] : []));
      expect(keys).to.include('net/mpls/conf/gre.4/input');
      expect(keys).to.include('net/ipv4/conf/gre.4/rp_filter');
      expect(sysctlProcPath('net/mpls/conf/gre.4/input')).to.equal('/proc/sys/net/mpls/conf/gre.4/input');
      expect(sysctlProcPath(sysctlKey('net', 'mpls', 'platform_labels'))).to.equal('/proc/sys/net/mpls/platform_labels');
      roundTrip(t);
    });
  });

  describe('checks', () => {
    const steps = plan(seed()).hosts[0]?.steps ?? [];
    const check = (id: string) => {
      const c = steps.find((s) => s.id === `A.${id}`)?.check;
      if (!c) throw new Error(`no check on ${id}`);
      return c;
    };

    it('are read-only commands (show, -n)', () => {
      for (const s of steps) {
        if (!s.check) continue;
        const argv = s.check.argv;
        expect(argv.includes('show') || (argv[0] === 'sysctl' && argv[1] === '-n'), s.id).to.equal(true);
      }
    });

    it('read iproute2 JSON and text output', () => {
      const lo = '[{"ifindex":1,"ifname":"lo","flags":["LOOPBACK","UP","LOWER_UP"],"mtu":65536}]';
      expect(isInEffect(check('link.lo_up'), { exitCode: 0, stdout: lo })).to.equal(true);
      expect(isInEffect(check('link.lo_up'), { exitCode: 0, stdout: lo.replace(',"UP","LOWER_UP"', '') })).to.equal(false);
      expect(isInEffect(check('mpls-route.pop'), { exitCode: 0, stdout: '[{"dst":"101","dev":"lo","flags":[]}]' })).to.equal(true);
      expect(isInEffect(check('mpls-route.pop'), { exitCode: 0, stdout: '[{"dst":"1010","dev":"lo","flags":[]}]' })).to.equal(false);
      expect(isInEffect(check('route.overlay'), { exitCode: 0, stdout: '10.199.0.0/24  encap mpls  100 scope link \n' })).to.equal(true);
      expect(isInEffect(check('route.overlay'), { exitCode: 0, stdout: '10.199.0.0/24  encap mpls  100/200 scope link \n' })).to.equal(false);
      expect(isInEffect(check('route.overlay'), { exitCode: 0, stdout: '' })).to.equal(false);
      expect(isInEffect(check('sysctl.platform_labels'), { exitCode: 0, stdout: '100000\n' })).to.equal(true);
      expect(isInEffect(check('sysctl.platform_labels'), { exitCode: 0, stdout: '0\n' })).to.equal(false);
      expect(isInEffect(check('link.add'), { exitCode: 1, stdout: '' })).to.equal(false);
    });
  });

  describe('quoteForDisplay', () => {
    it('leaves plain words alone and single-quotes the rest', () => {
      expect(quoteForDisplay(['ip', 'route', 'add', '10.199.0.0/24'])).to.equal('ip route add 10.199.0.0/24');
      expect(quoteForDisplay(['echo', "it's", '', 'a b', '$(id)'])).to.equal(`echo 'it'\\''s' '' 'a b' '$(id)'`);
    });
  });

  describe('property: any valid topology plans to steps whose reversed undos remove everything', () => {
    const v4Host = fc.tuple(fc.integer({ min: 1, max: 223 }).filter((o) => o !== 127), fc.integer({ min: 0, max: 0xffffff }))
      .map(([o, rest]) => (BigInt(o) << 24n) | BigInt(rest));
    const fmt4 = (v: bigint): string => [24n, 16n, 8n, 0n].map((s) => String((v >> s) & 0xffn)).join('.');
    const fmt6 = (v: bigint): string => Array.from({ length: 8 }, (_, i) => ((v >> BigInt(112 - 16 * i)) & 0xffffn).toString(16)).join(':');
    const v6Host = fc.bigInt({ min: 0x2000n << 112n, max: (0x3fffn << 112n) | ((1n << 112n) - 1n) });

    const arbOverlay = fc.boolean().chain((six) => {
      const bits = six ? 128 : 32;
      return fc.record({
        six: fc.constant(six),
        len: fc.integer({ min: six ? 16 : 8, max: six ? 126 : 30 }),
        base: six ? v6Host : v4Host,
        o1: fc.bigInt({ min: 1n, max: (1n << BigInt(bits)) - 1n }),
        o2: fc.bigInt({ min: 1n, max: (1n << BigInt(bits)) - 1n }),
      }).map(({ len, base, o1, o2 }) => {
        const size = 1n << BigInt(bits - len);
        const network = base & ~(size - 1n);
        const usable = six ? size - 1n : size - 2n; // hosts 1..size-1 (v6) or 1..size-2 (v4)
        const a = 1n + (o1 % usable);
        let b = 1n + (o2 % usable);
        if (b === a) b = a === usable ? 1n : a + 1n;
        const f = six ? fmt6 : fmt4;
        return { six, prefix: `${f(network)}/${len}`, network, size, a: f(network + a), b: f(network + b) };
      });
    });

    const arbTopology = fc.record({
      // `lo` is refused as a tunnel name (test/support/hostile-topologies.ts has it).
      ifname: fc.stringMatching(/^[a-z][a-z0-9_.-]{0,14}$/).filter((n) => n !== 'lo'),
      hostNames: fc.uniqueArray(fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9_-]{0,8}$/), { minLength: 2, maxLength: 2 }),
      labels: fc.uniqueArray(fc.integer({ min: 16, max: 1_048_574 }), { minLength: 2, maxLength: 2 }),
      underSix: fc.boolean(),
      under4: fc.uniqueArray(v4Host, { minLength: 2, maxLength: 2 }),
      under6: fc.uniqueArray(v6Host, { minLength: 2, maxLength: 2 }),
      overlay: arbOverlay,
      targets: fc.array(fc.constantFrom('local', 'netns:ns-1', 'ssh:root@example.net', 'ssh:host:2222', 'ssh:[2001:db8::9]'), { minLength: 2, maxLength: 2 }),
      rpFilter: fc.constantFrom(undefined, 0, 2),
      ttl: fc.option(fc.integer({ min: 1, max: 255 }), { nil: undefined }),
      explicitMode: fc.boolean(),
      extraLabels: fc.option(fc.integer({ min: 0, max: 1000 }), { nil: undefined }),
    }).filter((r) => {
      const ov = r.overlay;
      const under = r.underSix ? r.under6 : r.under4;
      return ov.six !== r.underSix || under.every((u) => u < ov.network || u >= ov.network + ov.size);
    }).map((r) => {
      const [la, lb] = r.labels as [number, number];
      const under = (r.underSix ? r.under6 : r.under4).map(r.underSix ? fmt6 : fmt4);
      const highest = Math.max(la, lb);
      const doc = {
        tunnel: {
          name: r.ifname,
          overlay: r.overlay.prefix,
          ...(r.explicitMode ? { mode: r.underSix ? 'ip6gre' : 'gre' } : {}),
          ...(r.ttl === undefined ? {} : { ttl: r.ttl }),
          ...(r.extraLabels === undefined ? {} : { platformLabels: Math.min(1_048_575, highest + 1 + r.extraLabels) }),
        },
        ...(r.rpFilter === undefined ? {} : { rpFilter: r.rpFilter }),
        hosts: {
          [r.hostNames[0] ?? 'A']: { target: r.targets[0], underlay: under[0], overlay: r.overlay.a, label: la },
          [r.hostNames[1] ?? 'B']: { target: r.targets[1], underlay: under[1], overlay: r.overlay.b, label: lb },
        },
      };
      return stringify(doc);
    });

    it('parses, plans, runs forward and undoes back to the start', () => {
      fc.assert(
        fc.property(arbTopology, (text) => {
          roundTrip(parseTopology(text));
        }),
        { numRuns: 300 },
      );
    });
  });
});
