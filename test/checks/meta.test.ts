import { expect } from 'chai';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { CHECKS } from '../../checks/index.js';
import { ROOT } from '../support/fixtures.js';

describe('check registry', () => {
  const files = readdirSync(join(ROOT, 'checks')).filter((f) => f.endsWith('.ts') && f !== 'index.ts').map((f) => f.slice(0, -3));

  it('registers every check file, and only those', () => {
    expect(CHECKS.map((c) => c.id).sort()).to.deep.equal(files.sort());
  });

  for (const file of files) {
    it(`${file}: id equals its file name, with a title and remediation`, async () => {
      const mod = (await import(`../../checks/${file}.js`)) as { default: (typeof CHECKS)[number] };
      expect(mod.default.id).to.equal(file);
      expect(CHECKS).to.include(mod.default);
      expect(mod.default.title).to.be.a('string').and.not.empty;
      expect(mod.default.remediation).to.be.a('string').and.have.length.greaterThan(10);
    });
  }

  it('ids are unique', () => {
    expect(new Set(CHECKS.map((c) => c.id)).size).to.equal(CHECKS.length);
  });
});
