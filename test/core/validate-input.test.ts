import { expect } from 'chai';
import fc from 'fast-check';
import { UsageError } from '../../src/core/errors.js';
import { parseIfName, parseLabel, parseLabels, parseNetnsName, parseTarget, parseTopology } from '../../src/core/topology.js';
import { base, emit, hostileTopologies, seedWith } from '../support/hostile-topologies.js';

interface Case { readonly what: string; readonly run: () => unknown; readonly field: string }
const cases: Case[] = hostileTopologies().map((t) => ({ what: `topology ${t.what}`, run: () => parseTopology(t.text, 'case.yaml'), field: t.field }));
const cli = (name: string, fn: (v: unknown, f: string) => unknown, field: string, values: unknown[]): void => {
  for (const v of values) cases.push({ what: `${name}(${JSON.stringify(v) ?? String(v)})`, run: () => fn(v, field), field });
};

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
