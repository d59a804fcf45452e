import { expect } from 'chai';
import { parseProm } from './support/prom.js';
import { parseXml } from './support/xml.js';

/** The test parsers must refuse what CI tools refuse, or the format tests could pass by accident. */
describe('test parsers refuse malformed input', () => {
  it('XML', () => {
    expect(parseXml('<?xml version="1.0" encoding="UTF-8"?>\n<a x="1 &amp; &#10;"><b/>t&lt;</a>\n').attrs.x).to.equal('1 & \n');
    for (const bad of ['<a>&</a>', '<a><b></a>', '<a x="1" x="2"/>', '<a>\u0001</a>', '<a/><b/>', '<a x=1/>', '<a>]]></a>', '<a x="<"/>', '<a>&foo;</a>', '<a>&#0;</a>', '<a', 'text']) {
      expect(() => parseXml(bad), JSON.stringify(bad)).to.throw();
    }
  });

  it('Prometheus exposition', () => {
    expect(parseProm('# HELP m h\\\\\n# TYPE m gauge\nm{a="x\\"y\\n"} 1.5e3\n')).to.deep.equal([{ name: 'm', labels: { a: 'x"y\n' }, value: 1500 }]);
    for (const bad of ['m 1', 'm{a="x"} \n', 'm{a="x\ny"} 1\n', 'm{a="\\q"} 1\n', 'm{a=x} 1\n', '1m 1\n', 'm 1\nn 1\nm 2\n', 'm{a="1"} 1\nm{a="1"} 2\n', '# TYPE m gauge\n# TYPE m gauge\n', 'm 1\n# TYPE m gauge\n', '# HELP m a\\b\n', 'm one\n']) {
      expect(() => parseProm(bad), JSON.stringify(bad)).to.throw();
    }
  });
});
