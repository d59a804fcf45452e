import { expect } from 'chai';
import { diagnoseCli, type StdinSource } from '../../src/cli/diagnose.js';
import { parse } from '../../src/cli/parse.js';
import { MplsgreError } from '../../src/core/errors.js';
import { runCli } from '../support/run-cli.js';

const BAD: [string[], string][] = [
  [[], 'MESSAGE'],
  [['RTNETLINK', 'answers:'], 'MESSAGE'],
  [[''], 'MESSAGE'],
  [['   '], 'MESSAGE'],
  [['a\u0000b'], 'MESSAGE'],
  [['x', '--command', ''], '--command'],
  [['x', '--command', 'ip link\nip route'], '--command'],
  [['x', '--command'], '--command'],
  [['x', '--netns', '../x'], '--netns'],
  [['x', '--iface', 'sixteen-bytes-xx'], '--iface'],
  [['x', '--iface', 'a/b'], '--iface'],
  [['x', '--labels', '15'], '--labels'],
  [['x', '--labels', '100,abc'], '--labels'],
  [['x', '--kernel-config', '/nonexistent/config'], '--kernel-config'],
  [['x', '--format', 'xml'], '--format'],
  [['x', '--bogus'], '--bogus'],
];

/** Runs the command spec as the CLI would, with a stdin of our making; returns the error's field. */
async function runWithStdin(args: string[], stdin: StdinSource): Promise<string | undefined> {
  const command = diagnoseCli(() => stdin);
  const { values, positionals } = parse(args, command.options);
  try {
    await command.run(values, positionals, { log: () => {}, write: () => {}, stderrIsTTY: false, color: false });
    return undefined;
  } catch (err) {
    if (err instanceof MplsgreError && err.code === 'usage') return err.field;
    throw err;
  }
}

describe('mplsgre diagnose (CLI)', () => {
  describe(`bad input: ${BAD.length} cases, each exit 2 naming the field`, () => {
    for (const [args, field] of BAD) {
      it(`${JSON.stringify(args)} -> ${field}`, async () => {
        const r = await runCli(['diagnose', ...args, '--json']);
        expect(r.code).to.equal(2);
        const doc = JSON.parse(r.stdout) as { error: { field: string; code: string }; result: unknown };
        expect(doc.error.field).to.equal(field);
        expect(doc.error.code).to.equal('usage');
        expect(doc.result).to.equal(null);
        const plain = await runCli(['diagnose', ...args]);
        expect(plain.code).to.equal(2);
        expect(plain.stdout).to.equal('');
        expect(plain.stderr).to.contain(field);
      });
    }
  });

  it('- on a terminal, or an empty stdin, is a usage error naming MESSAGE', async () => {
    expect(await runWithStdin(['-'], { isTTY: true, read: async () => 'x' })).to.equal('MESSAGE');
    expect(await runWithStdin(['-'], { isTTY: false, read: async () => '' })).to.equal('MESSAGE');
    expect(await runWithStdin(['-'], { isTTY: false, read: async () => '  \n\n' })).to.equal('MESSAGE');
  });

  it('--json prints one document: result.findings[] of {message, command, causes[{id, confidence, explanation, evidence, fix}]}', async () => {
    const r = await runCli(['diagnose', 'RTNETLINK answers: Operation not supported', '--command', 'ip -f mpls route add 101 dev lo', '--json']);
    expect(r.code).to.equal(0);
    expect(r.stderr).to.equal('');
    const doc = JSON.parse(r.stdout) as {
      schemaVersion: number; command: string; error: null;
      result: { findings: { message: string; command: string; known: string; causes: Record<string, unknown>[]; ruledOut: unknown[] }[]; kernel: string };
    };
    expect([doc.schemaVersion, doc.command, doc.error]).to.deep.equal([1, 'diagnose', null]);
    const [f] = doc.result.findings;
    expect(f!.message).to.equal('RTNETLINK answers: Operation not supported');
    expect(f!.command).to.equal('ip -f mpls route add 101 dev lo');
    expect(f!.known).to.equal('rtnetlink-not-supported');
    for (const c of f!.causes) {
      expect(c).to.include.keys('id', 'confidence', 'explanation', 'evidence', 'fix');
      expect(['certain', 'likely', 'possible']).to.include(c.confidence);
    }
    expect(f!.causes.length + f!.ruledOut.length).to.equal(1);
  });

  it('reads a transcript on stdin with -', async () => {
    let asked = false;
    const field = await runWithStdin(['-', '--json'], { isTTY: false, read: async () => { asked = true; return '# ip link set nosuch0 up\nCannot find device "nosuch0"\n'; } });
    expect(field).to.equal(undefined);
    expect(asked).to.equal(true);
  });

  it('--help documents the exit codes and the input forms', async () => {
    const r = await runCli(['diagnose', '--help']);
    expect(r.code).to.equal(0);
    expect(r.stdout).to.match(/Exit codes: 0 the diagnosis ran.*2 bad usage, 3 environment error/);
    expect(r.stdout).to.include('MESSAGE').and.include('read a pasted terminal session from stdin');
    expect((await runCli(['--help'])).stdout).to.match(/\n {2}diagnose {2,}/);
  });
});
