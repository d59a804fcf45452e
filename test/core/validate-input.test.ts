import { expect } from 'chai';
import fc from 'fast-check';
import { UsageError } from '../../src/core/errors.js';
import { parseIfName, parseLabel, parseLabels, parseNetnsName, parseTarget, parseTopology } from '../../src/core/topology.js';

// A topology as nested maps of raw YAML scalar text, so each case can say exactly what is written.
type Raw = string | { [key: string]: Raw };

function base(): { [key: string]: Raw } {
  return {
    tunnel: { name: 'foo4', overlay: '10.199.0.0/24' },
    hosts: {
      A: { target: 'netns:A', underlay: '10.128.0.2', overlay: '10.199.0.1', label: '100' },
      B: { target: 'netns:B', underlay: '10.128.100.2', overlay: '10.199.0.2', label: '101' },
    },
  };
}

function emit(node: { [key: string]: Raw }, indent = ''): string {
  return Object.entries(node)
    .map(([k, v]) => (typeof v === 'string' ? `${indent}${k}: ${v}\n` : `${indent}${k}:\n${emit(v, `${indent}  `)}`))
    .join('');
}

/** The seed topology with one value replaced (raw YAML), added, or removed (undefined). */
function seedWith(path: string, value: Raw | undefined): string {
  const root = base();
  const keys = path.split('.');
  const last = keys.pop() as string;
  let m = root;
  for (const k of keys) m = m[k] as { [key: string]: Raw };
  if (value === undefined) delete m[last];
  else m[last] = value;
  return emit(root);
}

interface Case { readonly what: string; readonly run: () => unknown; readonly field: string }
const cases: Case[] = [];
const topo = (what: string, text: string, field: string): void => {
  cases.push({ what: `topology ${what}`, run: () => parseTopology(text, 'case.yaml'), field });
};
const at = (path: string, raw: string | undefined, field = path): void => topo(`${path} = ${raw ?? '(missing)'}`, seedWith(path, raw), field);
const cli = (name: string, fn: (v: unknown, f: string) => unknown, field: string, values: unknown[]): void => {
  for (const v of values) cases.push({ what: `${name}(${JSON.stringify(v) ?? String(v)})`, run: () => fn(v, field), field });
};

// ---- labels in the topology ----
for (let l = 0; l <= 15; l++) at('hosts.B.label', String(l));
for (const raw of ['1048576', '-1', '1e3', '"100 "', '"101"', '100.5', 'true', 'null', '""', '0x65', '0101', '+101', '101.0', '[101]', '{ v: 101 }']) at('hosts.B.label', raw);
at('hosts.A.label', '1048575'); // a label the peer cannot pop: platform_labels is at most 1048575
at('hosts.B.label', '100'); // same label as A

// ---- interface name ----
for (const raw of [
  'abcdefghijklmnop', // 16 bytes
  'foo/4', '"foo 4"', '"foo\\n4"', '"foo\\t4"', '"foo\\x7f"', 'fooéééééééé', // unicode: 11 characters, 19 bytes
  '""', '.', '..', '"foo:4"', 'foo%d', '-foo', '123', 'null',
]) at('tunnel.name', raw);

// ---- addresses ----
for (const raw of [
  '999.1.1.1', '"::ffff:"', '10.0.0.1/24', '010.0.0.1', '""', '1.2.3', '1.2.3.4.5', '0.0.0.0', '224.0.0.1', '127.0.0.1',
  '255.255.255.255', '"fe80::1"', '"2001:db8::1%eth0"', '"::ffff:10.0.0.1"', 'example.com', '10',
]) at('hosts.A.underlay', raw);
at('hosts.B.underlay', '10.128.0.2'); // same as A
at('hosts.B.underlay', '"2001:db8::1"'); // family differs from A
at('hosts.B.underlay', '10.199.0.9'); // inside the overlay
for (const raw of ['10.199.1.1', '10.199.0.0', '10.199.0.255', '"fd00::1"', '10.199.0.1/32', '010.199.0.1']) at('hosts.A.overlay', raw);
at('hosts.B.overlay', '10.199.0.1'); // same as A
for (const raw of ['10.199.0.1/24', '10.199.0.0', '10.199.0.0/33', '10.199.0.0/31', '10.199.0.0/024', '224.0.0.0/24', '0.0.0.0/0', '999.0.0.0/8', '""']) {
  at('tunnel.overlay', raw);
}

// ---- other tunnel fields ----
for (const raw of ['ipip', 'ip6gre', 'GRE', '""']) at('tunnel.mode', raw);
for (const raw of ['100', '1048576', '65535.0', '"65535"']) at('tunnel.platformLabels', raw);
for (const raw of ['0', '256', '"64"', '-1']) at('tunnel.ttl', raw);
for (const raw of ['1', '3', '"2"', 'loose']) topo(`rpFilter = ${raw}`, `rpFilter: ${raw}\n${emit(base())}`, 'rpFilter');

// ---- targets ----
for (const raw of [
  'netns:..', 'netns:.', 'netns:a/b', '"netns:a;b"', '"netns:a b"', `netns:${'n'.repeat(65)}`, '"netns:"', 'netns:-x',
  '-oProxyCommand=x', 'ssh:-oProxyCommand=x', '"ssh:a b"', 'ssh:user@', 'ssh:host:0', 'ssh:host:65536', 'ssh:host:022',
  '"ssh:$(id)"', '"ssh:`id`"', 'ssh:Root@host', 'ssh:999.1.1.1', 'ssh:fe80::1', 'ssh:[fe80::1', 'ssh:host.', '"local "', 'Local', '5',
]) at('hosts.A.target', raw);

// ---- structure ----
topo('alias bomb', `a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
${emit(base())}`, 'b[0]');
topo('alias of a label', seedWith('hosts.A.label', '&l 100').replace('label: 101', 'label: *l'), 'hosts.B.label');
topo('duplicate key', seedWith('hosts.A.label', '100\n    label: 102'), 'hosts.A.label');
topo('duplicate host', `${emit(base())}`.replace('  B:\n', '  A:\n'), 'hosts.A');
topo('explicit tag', seedWith('hosts.A.label', '!!int 100'), 'hosts.A.label');
at('tunnel.nmae', 'foo4');
at('hosts.A.lable', '100');
at('version', '1');
at('hosts.B.label', undefined);
at('tunnel.overlay', undefined);
at('hosts.A.target', undefined);
at('hosts', undefined);
at('tunnel', 'foo4');
at('hosts', '[A, B]');
at('hosts.B', 'netns:B');
at('hosts.C', '{ target: local, underlay: 10.128.200.2, overlay: 10.199.0.3, label: 102 }', 'hosts');
topo('one host', emit(base()).replace(/ {2}B:\n(?: {4}.*\n)+/, ''), 'hosts');
topo('empty hosts', seedWith('hosts', '{}'), 'hosts');
topo('bad host name', emit(base()).replace('  B:', '  "B B":'), 'hosts');
topo('list at the top', '- tunnel\n- hosts\n', 'FILE');
topo('empty file', '', 'FILE');
topo('two documents', `${emit(base())}---\n${emit(base())}`, 'FILE');
topo('syntax error', 'tunnel: { name: foo4\n', 'FILE');
topo('over 1 MiB', `# ${'x'.repeat(1024 * 1024)}\n${emit(base())}`, 'FILE');

// ---- CLI validators ----
cli('parseLabel', parseLabel, '--label', [
  ...Array.from({ length: 16 }, (_, i) => String(i)), '1048576', '-1', '1e3', '100 ', ' 100', '100.5', '0x64', '0100', '+100', '', 'abc',
  100.5, -1, 3, 1048576, Number.NaN, Number.POSITIVE_INFINITY, true, null, undefined, [100],
]);
cli('parseLabels', parseLabels, '--labels', ['100,,101', '100,100', '', '100,1e3', ',100', '100,', '100, 101', 100]);
cli('parseIfName', parseIfName, '--dev', [
  'abcdefghijklmnop', 'foo/4', 'foo 4', 'foo\n4', 'foo\t4', 'foo\u0000', 'fooéééééééé', '', '.', '..', 'foo:4', 'foo%d', '-foo', 'foo\u00a04', 'a\u202eb', 'a\u200bb', 'a\ud800b', 4, null,
]);
cli('parseNetnsName', parseNetnsName, '--netns', ['..', '.', 'a/b', 'a;b', 'a b', 'n'.repeat(65), '', '-x', 'a\nb', 'ñ', 5]);
cli('parseTarget', parseTarget, '--target', [
  '-oProxyCommand=x', 'ssh:-oProxyCommand=x', 'ssh:a b', 'ssh:user@', 'ssh:host:0', 'ssh:host:65536', 'ssh:$(id)', 'ssh:`id`',
  'ssh:-l@host', 'ssh:u@-host', 'ssh:', 'ssh:@host', 'ssh:host:', 'ssh:host:22:22', 'netns:..', 'netns:a;b', 'local ', '', null,
]);

describe('input validation', () => {
  describe(`rejects ${cases.length} hostile or malformed inputs with a UsageError naming the field`, () => {
    for (const c of cases) {
      it(`${c.what} -> ${c.field}`, () => {
        let caught: unknown;
        try {
          c.run();
        } catch (e) {
          caught = e;
        }
        expect(caught, 'accepted').to.be.instanceOf(UsageError);
        const err = caught as UsageError;
        expect(err.field).to.equal(c.field);
        expect(err.exitCode).to.equal(2);
        expect(err.message.startsWith(`${c.field}: `)).to.equal(true);
      });
    }
  });

  it('accepts the unmodified seed (the table varies one thing at a time)', () => {
    expect(parseTopology(emit(base())).hosts.map((h) => h.label)).to.deep.equal([100, 101]);
  });

  it('says why a reserved label is refused', () => {
    expect(() => parseTopology(seedWith('hosts.B.label', '5'))).to.throw(UsageError, 'hosts.B.label: 5 is reserved (0-15); use 16..1048575');
  });

  describe('property: labels', () => {
    it('accepts every whole number 16..1048575, as a number or decimal text', () => {
      fc.assert(
        fc.property(fc.integer({ min: 16, max: 1_048_575 }), (n) => {
          expect(parseLabel(n, '--label')).to.equal(n);
          expect(parseLabel(String(n), '--label')).to.equal(n);
        }),
      );
    });

    it('rejects every whole number outside 16..1048575 with the field named', () => {
      const outside = fc.oneof(fc.integer({ min: Number.MIN_SAFE_INTEGER, max: 15 }), fc.integer({ min: 1_048_576, max: Number.MAX_SAFE_INTEGER }));
      fc.assert(
        fc.property(outside, fc.boolean(), (n, asText) => {
          expect(() => parseLabel(asText ? String(n) : n, '--label')).to.throw(UsageError).with.property('field', '--label');
        }),
      );
    });

    it('rejects every non-integer number', () => {
      fc.assert(
        fc.property(fc.double().filter((d) => !Number.isInteger(d)), (d) => {
          expect(() => parseLabel(d, '--label')).to.throw(UsageError);
        }),
      );
    });
  });
});

describe('error messages', () => {
  it('escape control characters and bidi overrides in user text', () => {
    for (const [value, escaped] of [['foo\u001b[2J', '\\u001b'], ['a\u202eb', '\\u202e'], ['x\u007f', '\\u007f']] as const) {
      let message = '';
      try {
        parseIfName(value, '--dev');
      } catch (e) {
        message = (e as Error).message;
      }
      expect(message).to.include(escaped);
      expect(message).to.not.match(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e]/);
    }
  });

  it('quote odd keys in the field path', () => {
    expect(() => parseTopology(seedWith('tunnel.x\u001by', '1'))).to.throw(UsageError).with.property('field', 'tunnel["x\\u001by"]');
  });
});
