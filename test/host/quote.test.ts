import { expect } from 'chai';
import fc from 'fast-check';
import { existsSync } from 'node:fs';
import { shellCommand, shellQuote, ShellQuoteError } from '../../src/host/quote.js';
import { execLocal } from '../../src/host/spawn.js';
import { HOSTILE } from '../support/sshd.js';

/** The reference: the word travels as a positional argument, never parsed by the shell. */
const REFERENCE = 'printf %s "$1"';

/** What sshd does with a remote command: hands it to the login shell as `sh -c COMMAND`. */
function viaShell(command: string): ReturnType<typeof execLocal> {
  // eslint-disable-next-line mplsgre/no-shell -- this test exists to run quoted words through a real shell
  return execLocal('sh', ['-c', command], { timeoutMs: 10_000 });
}

describe('shellQuote', () => {
  it('quotes with single quotes, escapes quotes, keeps the empty word', () => {
    expect(shellQuote('')).to.equal("''");
    expect(shellQuote('abc')).to.equal("'abc'");
    expect(shellQuote("a'b")).to.equal("'a'\\''b'");
    expect(shellCommand(['printf', '%s', 'a b'])).to.equal("'printf' '%s' 'a b'");
  });

  it('refuses NUL with a typed error', () => {
    expect(() => shellQuote('a\0b')).to.throw(ShellQuoteError);
    expect(() => shellCommand(['ok', '\0'])).to.throw(ShellQuoteError, /NUL/);
  });

  describe(`${HOSTILE.length} hostile strings, executed by a real sh, byte for byte`, () => {
    for (const s of HOSTILE) {
      it(JSON.stringify(s.length > 40 ? `${s.slice(0, 20)}... (${s.length} chars)` : s), async () => {
        const ref = await execLocal('sh', ['-c', REFERENCE, 'sh', s]);
        const quoted = await viaShell(`printf %s ${shellQuote(s)}`);
        expect(ref.failed, ref.stderr).to.equal(false);
        expect(quoted.failed, quoted.stderr).to.equal(false);
        expect(Buffer.from(quoted.stdout)).to.deep.equal(Buffer.from(ref.stdout));
        expect(quoted.stdout).to.equal(s);
      });
    }
    after(() => {
      expect(existsSync('/tmp/mplsgre-quote-pwned'), 'a quoted word ran as code').to.equal(false);
      expect(existsSync('/tmp/mplsgre-quote-out'), 'a quoted word redirected output').to.equal(false);
    });
  });

  it('property: 2,000+ random strings without NUL round-trip through a real sh -c', async function () {
    this.timeout(120_000);
    let words = 0;
    const word = fc.string({ unit: 'binary', maxLength: 64 }).map((s) => s.replace(/\0/g, ''));
    await fc.assert(
      fc.asyncProperty(fc.array(word, { minLength: 20, maxLength: 40 }), async (batch) => {
        words += batch.length;
        // One shell per batch: printf prints each word followed by a NUL, which no word holds.
        const r = await viaShell(shellCommand(['printf', '%s\\0', ...batch]));
        expect(r.failed, r.stderr).to.equal(false);
        expect(r.stdout.split('\0').slice(0, -1)).to.deep.equal(batch);
      }),
      { numRuns: 100 },
    );
    expect(words).to.be.at.least(2000);
  });
});
