import { expect } from 'chai';
import { escapeHtml, escapePromHelp, escapePromLabel, escapeXml, escapeXmlAttr } from '../../src/report/escape.js';
import { carried, HOSTILE, wellFormed } from './support/reports.js';
import { parseProm } from './support/prom.js';
import { parseXml, textOf } from './support/xml.js';

describe('report escapes', () => {
  it('escapeHtml turns markup into text', () => {
    expect(escapeHtml('<script>alert(1)</script>')).to.equal('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(escapeHtml('<img src=x onerror="a(\'b\')">')).to.equal('&lt;img src=x onerror=&quot;a(&#39;b&#39;)&quot;&gt;');
    expect(escapeHtml('a & b &amp; &#60;')).to.equal('a &amp; b &amp;amp; &amp;#60;');
  });

  it('escapeHtml keeps unicode and replaces what HTML and XML cannot carry', () => {
    expect(escapeHtml('ünïcødé ✓ 日本語 🚀')).to.equal('ünïcødé ✓ 日本語 🚀');
    expect(escapeHtml('a\u0000b\u001bc\uFFFEd')).to.equal('a\uFFFDb\uFFFDc\uFFFDd');
    expect(escapeHtml('x\uD800y \uDC00')).to.equal('x\uFFFDy \uFFFD');
    expect(escapeHtml('tab\tline\nret\r')).to.equal('tab\tline\nret\r');
  });

  it('no hostile string keeps a markup character after escaping', () => {
    for (const s of HOSTILE) expect(escapeHtml(s), s).not.to.match(/[<>"']|&(?!(amp|lt|gt|quot|#39);)/);
  });

  it('every hostile string round-trips through XML text and attributes', () => {
    for (const s of HOSTILE) {
      const doc = parseXml(`<?xml version="1.0" encoding="UTF-8"?>\n<a t="${escapeXmlAttr(s)}">${escapeXml(s)}</a>`);
      expect(doc.attrs.t, s).to.equal(carried(s));
      expect(textOf(doc), s).to.equal(carried(s));
    }
  });

  it('escapePromLabel escapes backslash, quote and newline, and the value round-trips', () => {
    expect(escapePromLabel('a\\b"c\nd')).to.equal('a\\\\b\\"c\\nd');
    for (const s of HOSTILE) {
      const [sample] = parseProm(`# HELP m ${escapePromHelp(s)}\n# TYPE m gauge\nm{v="${escapePromLabel(s)}"} 1\n`);
      expect(sample!.labels.v, s).to.equal(wellFormed(s));
    }
  });
});
