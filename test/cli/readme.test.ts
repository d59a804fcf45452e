import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { COMMANDS } from '../../src/cli.js';
import { COMMON_OPTIONS, type CliCommand } from '../../src/cli/command.js';
import { ROOT } from '../support/fixtures.js';
import { runCli } from '../support/run-cli.js';

const README = readFileSync(join(ROOT, 'README.md'), 'utf8');

/** The rows of the README's commands table: cells, split on unescaped pipes. */
function commandRows(): string[][] {
  const section = README.split(/^## /m).find((s) => s.startsWith('Commands\n')) ?? '';
  return section.split('\n')
    .filter((l) => l.startsWith('| `'))
    .map((l) => l.slice(1, -1).split(/(?<!\\)\|/).map((c) => c.trim()));
}

/** The README's paragraph on the options every command takes. */
const commonParagraph = (): string => README.split(/\n\n/).find((p) => p.startsWith('Every command takes')) ?? '';

const own = (c: CliCommand): string[] => Object.keys(c.options).filter((o) => !(o in COMMON_OPTIONS) && !(c.internal ?? []).includes(o));

/** Formats named in a cell: `json`, `text`, ... in backquotes. */
const formatsIn = (cell: string): string[] => [...cell.matchAll(/`([a-z0-9]+)`/g)].map((m) => m[1]!).sort();

describe('README and --help agree with the CLI\'s own definitions', () => {
  const header = (): string[] => commandRows().length ? (README.split(/^## /m).find((s) => s.startsWith('Commands\n')) ?? '').split('\n').find((l) => l.startsWith('| command'))!.slice(1, -1).split('|').map((c) => c.trim()) : [];

  it('the commands table has a --format column', () => {
    expect(header()).to.include('`--format`');
  });

  for (const [name, entry] of Object.entries(COMMANDS)) {
    describe(`mplsgre ${name}`, () => {
      let command: CliCommand;
      let rows: string[][];
      before(async () => {
        command = await entry.load();
        rows = commandRows().filter((r) => new RegExp(`^\`${name}(?![\\w-])`).test(r[0] ?? ''));
      });

      it('has a row in the README\'s commands table', () => {
        expect(rows.length, `no row for ${name}`).to.be.greaterThan(0);
      });

      it('every option of its spec is named in the README (its rows) and in its --help', async () => {
        const text = rows.map((r) => r.join(' ')).join(' ');
        const help = (await runCli([name, '--help'])).stdout;
        for (const opt of own(command)) {
          expect(text, `README row of ${name} names --${opt}`).to.match(new RegExp(`--${opt}(?![\\w-])`));
          expect(help, `${name} --help names --${opt}`).to.match(new RegExp(`--${opt}(?![\\w-])`));
        }
      });

      it('the formats the README claims are exactly those it accepts, and --help says the same', async () => {
        const col = header().indexOf('`--format`');
        const accepted = ['json', ...command.formats].sort();
        for (const r of rows) expect(formatsIn(r[col] ?? ''), `README --format of ${r[0]}`).to.deep.equal(accepted);
        const help = (await runCli([name, '--help'])).stdout;
        expect(help).to.include(`Formats (--format): ${['json', ...command.formats].join(', ')}`);
        for (const f of command.formats) expect((await runCli([name, '--format', f, '--help'])).code).to.equal(0);
      });
    });
  }

  it('every row of the table is a command the CLI has', () => {
    for (const r of commandRows()) {
      const name = /^`([a-z-]+)/.exec(r[0] ?? '')?.[1] ?? '';
      expect(Object.keys(COMMANDS), `README row ${r[0]}`).to.include(name);
    }
  });

  it('the options every command takes, and --version, are in the README and in mplsgre --help', async () => {
    const help = (await runCli(['--help'])).stdout;
    for (const opt of [...Object.keys(COMMON_OPTIONS), 'version']) {
      expect(commonParagraph(), `README names --${opt}`).to.match(new RegExp(`--${opt}(?![\\w-])`));
      expect(help, `mplsgre --help names --${opt}`).to.match(new RegExp(`--${opt}(?![\\w-])`));
    }
    for (const name of Object.keys(COMMANDS)) expect(help).to.match(new RegExp(`^  ${name} `, 'm'));
    expect((await runCli(['--version'])).stdout).to.match(/^mplsgre \d+\.\d+\.\d+/);
  });
});
