/**
 * Hostile and malformed topology documents, one thing wrong at a time, each with the field the
 * refusal must name. Shared by the unit validators' test and the CLI bad-input campaign.
 */
// A topology as nested maps of raw YAML scalar text, so each case can say exactly what is written.
export type Raw = string | { [key: string]: Raw };

export function base(): { [key: string]: Raw } {
  return {
    tunnel: { name: 'foo4', overlay: '10.199.0.0/24' },
    hosts: {
      A: { target: 'netns:A', underlay: '10.128.0.2', overlay: '10.199.0.1', label: '100' },
      B: { target: 'netns:B', underlay: '10.128.100.2', overlay: '10.199.0.2', label: '101' },
    },
  };
}

export function emit(node: { [key: string]: Raw }, indent = ''): string {
  return Object.entries(node)
    .map(([k, v]) => (typeof v === 'string' ? `${indent}${k}: ${v}\n` : `${indent}${k}:\n${emit(v, `${indent}  `)}`))
    .join('');
}

/** The seed topology with one value replaced (raw YAML), added, or removed (undefined). */
export function seedWith(path: string, value: Raw | undefined): string {
  const root = base();
  const keys = path.split('.');
  const last = keys.pop() as string;
  let m = root;
  for (const k of keys) m = m[k] as { [key: string]: Raw };
  if (value === undefined) delete m[last];
  else m[last] = value;
  return emit(root);
}

export interface TopologyCase { readonly what: string; readonly text: string; readonly field: string }

/** Every hostile topology: the seed with one value replaced, added or removed, and whole-file damage. */
export function hostileTopologies(): TopologyCase[] {
  const cases: TopologyCase[] = [];
  const topo = (what: string, text: string, field: string): void => {
    cases.push({ what, text, field });
  };
  const at = (path: string, raw: string | undefined, field = path): void => topo(`${path} = ${raw ?? '(missing)'}`, seedWith(path, raw), field);

  // ---- labels in the topology ----
  for (let l = 0; l <= 15; l++) at('hosts.B.label', String(l));
  for (const raw of ['1048576', '-1', '1e3', '"100 "', '"101"', '100.5', 'true', 'null', '""', '0x65', '0101', '+101', '101.0', '[101]', '{ v: 101 }']) at('hosts.B.label', raw);
  at('hosts.A.label', '1048575'); // a label the peer cannot pop: platform_labels is at most 1048575
  at('hosts.B.label', '100'); // same label as A

  // ---- traffic classes ----
  const cls = (body: string): string => `[ { ${body} } ]`;
  for (const raw of ['5', 'voice', '{ name: voice }', '"[]"']) at('hosts.A.classes', raw);
  at('hosts.A.classes', `[ ${Array.from({ length: 65 }, (_, i) => `{ name: c${i}, fwmark: ${i + 1}, label: ${1000 + i} }`).join(', ')} ]`, 'hosts.A.classes');
  at('hosts.A.classes', '[ voice ]', 'hosts.A.classes[0]');
  for (const raw of ['0', '15', '1048575', '1048576', '-1', '"200"', '200.0', '1e3', '253', '254', '255', '100', '101']) {
    at('hosts.A.classes', cls(`name: v, dscp: 46, label: ${raw}`), 'hosts.A.classes[0].label');
  }
  for (const raw of ['0', '64', '-1', '"46"', '46.0', '0x2e', 'EF', '[]', 'null']) at('hosts.A.classes', cls(`name: v, dscp: ${raw}, label: 200`), 'hosts.A.classes[0].dscp');
  for (const raw of ['[46, 64]', '[46, 46]', '[46, "34"]']) at('hosts.A.classes', cls(`name: v, dscp: ${raw}, label: 200`), 'hosts.A.classes[0].dscp[1]');
  for (const raw of ['0', '4294967296', '-1', '"7"', '0x10']) at('hosts.A.classes', cls(`name: v, fwmark: ${raw}, label: 200`), 'hosts.A.classes[0].fwmark');
  for (const raw of ['8', '-1', '"5"', '5.5']) at('hosts.A.classes', cls(`name: v, dscp: 46, label: 200, tc: ${raw}`), 'hosts.A.classes[0].tc');
  for (const raw of ['""', '"a b"', '-v', `${'n'.repeat(33)}`, '5', '"v;id"']) at('hosts.A.classes', cls(`name: ${raw}, dscp: 46, label: 200`), 'hosts.A.classes[0].name');
  at('hosts.A.classes', cls('name: v, dscp: 46'), 'hosts.A.classes[0].label');
  at('hosts.A.classes', cls('name: v, label: 200'), 'hosts.A.classes[0].dscp');
  at('hosts.A.classes', cls('dscp: 46, label: 200'), 'hosts.A.classes[0].name');
  at('hosts.A.classes', cls('name: v, dscp: 46, label: 200, fwmrak: 7'), 'hosts.A.classes[0].fwmrak');
  at('hosts.A.classes', '[ { name: v, dscp: 46, label: 200 }, { name: v, dscp: 34, label: 300 } ]', 'hosts.A.classes[1].name');
  at('hosts.A.classes', '[ { name: v, dscp: 46, label: 200 }, { name: w, dscp: 34, label: 200 } ]', 'hosts.A.classes[1].label');
  at('hosts.A.classes', '[ { name: v, dscp: 46, label: 200 }, { name: w, dscp: 46, label: 300 } ]', 'hosts.A.classes[1].dscp');
  at('hosts.A.classes', '[ { name: v, dscp: 46, label: 200 }, { name: w, fwmark: 200, label: 300 } ]', 'hosts.A.classes[1].fwmark');
  topo('class label of the other end', seedWith('hosts.A.classes', cls('name: v, dscp: 46, label: 200')).replace("label: 101\n", "label: 101\n    classes: [ { name: v, dscp: 46, label: 200 } ]\n"), 'hosts.B.classes[0].label');

  // ---- interface name ----
  for (const raw of [
    'abcdefghijklmnop', // 16 bytes
    'foo/4', '"foo 4"', '"foo\\n4"', '"foo\\t4"', '"foo\\x7f"', 'fooéééééééé', // unicode: 11 characters, 19 bytes
    '""', '.', '..', '"foo:4"', 'foo%d', '-foo', '123', 'null', 'lo',
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
  return cases;
}
