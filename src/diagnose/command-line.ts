/**
 * Reads a command line as a person pasted it (never runs it): which tool, what it was asked to
 * do, and the labels, interfaces, addresses and keys it names. Pure.
 */

/** What a command does, as far as diagnosing its error needs to know. */
export type CommandKind =
  | 'mpls-route'
  | 'ip-route'
  | 'tunnel'
  | 'link-add'
  | 'link-set'
  | 'link-show'
  | 'netns-exec'
  | 'sysctl'
  | 'modprobe'
  | 'ping'
  | 'other';

export interface CommandContext {
  /** The sub-command as written (one part of `a && b`). */
  readonly text: string;
  /** Its words, after sudo/env/`ip netns exec NS` prefixes. */
  readonly argv: readonly string[];
  /** Basename of the program: ip, sysctl, modprobe, ping, ... */
  readonly tool: string;
  readonly kind: CommandKind;
  /** add, del, change, replace, set, show, get, ... (ip) or write/read (sysctl). */
  readonly verb?: string;
  /** The namespace the command ran in (`ip netns exec NS`, `ip -n NS`). */
  readonly netns?: string;
  /** Labels named, as typed: the MPLS route's label, then every label of `encap mpls A/B`. */
  readonly labels: readonly string[];
  /** `encap mpls ...` on an IP route. */
  readonly encap?: string;
  /** Interfaces named: `dev X`, the name of a tunnel or link, the interface of a sysctl key. */
  readonly devices: readonly string[];
  /** An IP route's destination; `ip route get`'s address. */
  readonly prefix?: string;
  /** A tunnel's endpoints and kind. */
  readonly local?: string;
  readonly remote?: string;
  readonly linkType?: string;
  readonly sysctl: readonly { key: string; value?: string }[];
  readonly modules: readonly string[];
  readonly ping?: { readonly destination?: string; readonly source?: string; readonly size?: number; readonly dontFragment: boolean };
}

/** Splits a command line into words: quotes and backslashes as a POSIX shell reads them, no expansion. */
export function splitWords(line: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quote === "'") {
      if (c === "'") quote = undefined;
      else word += c;
    } else if (quote === '"') {
      if (c === '"') quote = undefined;
      else if (c === '\\' && i + 1 < line.length && '"\\$`'.includes(line[i + 1]!)) word += line[++i];
      else word += c;
    } else if (c === "'" || c === '"') {
      quote = c;
      inWord = true;
    } else if (c === '\\' && i + 1 < line.length) {
      word += line[++i];
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else if (c === ';' || c === '|' || c === '&') {
      // Operators end the word before them, as a shell reads `a&&b;c`.
      if (inWord) words.push(word);
      word = '';
      inWord = false;
      let op = c;
      while (i + 1 < line.length && (line[i + 1] === '|' || line[i + 1] === '&')) op += line[++i];
      words.push(op);
    } else {
      word += c;
      inWord = true;
    }
  }
  if (inWord) words.push(word);
  return words;
}

const OPERATORS = new Set([';', '&&', '||', '|', '&']);

/** Every sub-command of a line (`a && b; c | d`), in order; empty parts dropped. */
export function parseCommandLine(line: string): CommandContext[] {
  const parts: string[][] = [[]];
  for (const w of splitWords(line)) {
    if (OPERATORS.has(w)) parts.push([]);
    else parts.at(-1)!.push(w);
  }
  return parts.filter((p) => p.length > 0).map((p) => parseArgv(p, p.join(' ')));
}

const basename = (p: string): string => p.slice(p.lastIndexOf('/') + 1);

const SETPRIV_WITH_VALUE = new Set([
  '--reuid', '--regid', '--ruid', '--rgid', '--euid', '--egid', '--groups', '--inh-caps', '--ambient-caps', '--bounding-set',
  '--securebits', '--pdeathsig', '--selinux-label', '--apparmor-profile', '--landlock-access', '--landlock-rule',
]);

/** Drops sudo, doas, setpriv, env, time and VAR=value prefixes. */
function stripPrefixes(argv: readonly string[]): string[] {
  let a = [...argv];
  for (;;) {
    const head = a[0];
    if (head === undefined) return a;
    const base = basename(head);
    if (/^[A-Za-z_][A-Za-z0-9_]*=/.test(head)) a = a.slice(1);
    else if (base === 'sudo' || base === 'doas') {
      a = a.slice(1);
      while (a[0]?.startsWith('-')) {
        const opt = a.shift()!;
        if (/^-[ugCDhpRrTt]$/.test(opt)) a.shift(); // options that take a value
      }
    } else if (base === 'setpriv') {
      a = a.slice(1);
      while (a[0]?.startsWith('-')) {
        const opt = a.shift()!;
        if (!opt.includes('=') && SETPRIV_WITH_VALUE.has(opt)) a.shift();
      }
    } else if (base === 'env' || base === 'time' || base === 'nice' || base === 'command' || base === 'exec') {
      a = a.slice(1);
      while (a[0]?.startsWith('-')) a.shift();
    } else return a;
  }
}

export function parseArgv(words: readonly string[], text: string, netns?: string): CommandContext {
  const argv = stripPrefixes(words);
  const tool = basename(argv[0] ?? '');
  const base: CommandContext = { text, argv, tool, kind: 'other', labels: [], devices: [], sysctl: [], modules: [], ...(netns ? { netns } : {}) };
  if (tool === 'ip') return parseIp(argv.slice(1), base);
  if (tool === 'sysctl') return parseSysctl(argv.slice(1), base);
  if (tool === 'modprobe' || tool === 'insmod') return parseModprobe(argv.slice(1), base);
  if (tool === 'ping' || tool === 'ping4' || tool === 'ping6') return parsePing(argv.slice(1), base);
  return base;
}

/** ip's objects in the order ip matches abbreviations against them (ip/ip.c). */
const IP_OBJECTS = [
  'address', 'addrlabel', 'maddress', 'route', 'rule', 'neighbor', 'neighbour', 'ntable', 'link', 'l2tp', 'fou', 'ila', 'macsec',
  'tunnel', 'tuntap', 'tap', 'token', 'tcpmetrics', 'monitor', 'xfrm', 'mroute', 'mrule', 'netns', 'netconf', 'vrf', 'sr', 'nexthop',
  'mptcp', 'ioam', 'stats',
];
const IP_VERBS: readonly [string, string][] = [
  ['add', 'add'], ['append', 'append'], ['change', 'change'], ['chg', 'change'], ['replace', 'replace'], ['prepend', 'prepend'],
  ['delete', 'del'], ['del', 'del'], ['show', 'show'], ['list', 'show'], ['lst', 'show'], ['ls', 'show'], ['get', 'get'],
  ['set', 'set'], ['flush', 'flush'], ['exec', 'exec'], ['test', 'test'],
];
/** ip options that take a value. */
const IP_OPTS_WITH_VALUE = new Set(['f', 'family', 'n', 'netns', 'b', 'batch', 'rc', 'rcvbuf', 'l', 'loops']);

const matchWord = (word: string, list: readonly string[]): string | undefined => list.find((w) => w.startsWith(word));

function parseIp(args: readonly string[], base: CommandContext): CommandContext {
  let family: string | undefined;
  let netns = base.netns;
  let i = 0;
  for (; i < args.length && args[i]!.startsWith('-'); i++) {
    const opt = args[i]!.replace(/^-+/, '');
    if (opt === 'M') family = 'mpls';
    else if (opt === '4') family = 'inet';
    else if (opt === '6') family = 'inet6';
    else if (IP_OPTS_WITH_VALUE.has(opt)) {
      const value = args[++i];
      if (opt === 'f' || opt === 'family') family = value;
      if (opt === 'n' || opt === 'netns') netns = value;
    }
  }
  const object = args[i] === undefined ? undefined : matchWord(args[i]!, IP_OBJECTS);
  const rest = args.slice(i + 1);
  const verbWord = rest[0];
  const verb = verbWord === undefined ? undefined : IP_VERBS.find(([w]) => w.startsWith(verbWord))?.[1] ?? verbWord;
  const tail = rest.slice(1);
  const ctx: CommandContext = { ...base, ...(netns ? { netns } : {}), ...(verb ? { verb } : {}) };
  if (object === 'netns' && verb === 'exec' && tail[0] !== undefined) {
    return parseArgv(tail.slice(1), base.text, tail[0]);
  }
  if (object === 'route') return parseIpRoute(tail, ctx, family === 'mpls');
  if (object === 'tunnel') return parseTunnel(tail, ctx);
  if (object === 'link') return parseLink(tail, ctx, verb);
  if (object === 'address' || object === 'neighbor' || object === 'stats') return { ...ctx, devices: valuesOf(tail, 'dev') };
  return ctx;
}

const valuesOf = (args: readonly string[], key: string): string[] => args.flatMap((a, i) => (a === key && args[i + 1] !== undefined ? [args[i + 1]!] : []));

/** Route keywords followed by a value (ip-route(8)); the first other word is the destination. */
const ROUTE_KEYWORDS_WITH_VALUE = new Set([
  'dev', 'oif', 'via', 'src', 'table', 'proto', 'protocol', 'scope', 'metric', 'preference', 'priority', 'realm', 'realms', 'mtu',
  'advmss', 'rtt', 'rttvar', 'reordering', 'window', 'cwnd', 'initcwnd', 'initrwnd', 'ssthresh', 'features', 'quickack',
  'congctl', 'pref', 'expires', 'fastopen_no_cookie', 'nhid', 'from', 'tos', 'dsfield', 'type', 'iif', 'mark', 'vrf', 'as', 'newdst', 'ttl-propagate',
]);
const ROUTE_TYPES = new Set(['unicast', 'local', 'broadcast', 'multicast', 'throw', 'unreachable', 'prohibit', 'blackhole', 'nat', 'anycast']);

function parseIpRoute(args: readonly string[], ctx: CommandContext, mpls: boolean): CommandContext {
  let destination: string | undefined;
  let encap: string | undefined;
  const encapLabels: string[] = [];
  const outLabels: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === 'encap') {
      encap = args[i + 1];
      if (encap === 'mpls' && args[i + 2] !== undefined) encapLabels.push(...args[i + 2]!.split('/'));
      i += encap === 'mpls' ? 2 : 1;
    } else if (a === 'as' || a === 'newdst') {
      let j = i + 1;
      if (args[j] === 'to') j++;
      if (args[j] !== undefined) outLabels.push(...args[j]!.split('/'));
      i = j;
    } else if (a === 'via') {
      i += args[i + 1] === 'inet' || args[i + 1] === 'inet6' || args[i + 1] === 'mpls' ? 2 : 1;
    } else if (a === 'to') {
      if (destination === undefined) destination = args[i + 1];
      i++;
    } else if (ROUTE_KEYWORDS_WITH_VALUE.has(a)) {
      i++;
    } else if (ROUTE_TYPES.has(a) || a === 'onlink' || a === 'pervasive') {
      continue;
    } else if (destination === undefined) {
      destination = a;
    }
  }
  const devices = [...valuesOf(args, 'dev'), ...valuesOf(args, 'oif')];
  if (mpls) {
    return { ...ctx, kind: 'mpls-route', labels: [...(destination ? [destination] : []), ...outLabels], devices };
  }
  return {
    ...ctx,
    kind: 'ip-route',
    labels: encapLabels,
    devices,
    ...(encap ? { encap } : {}),
    ...(destination ? { prefix: destination } : {}),
  };
}

const TUNNEL_KEYWORDS_WITH_VALUE = new Set([
  'mode', 'remote', 'local', 'dev', 'ttl', 'hoplimit', 'tos', 'dsfield', 'tclass', 'key', 'ikey', 'okey', 'encaplimit', 'flowlabel',
  '6rd-prefix', 'prl-default', 'prl-nodefault', 'prl-delete', 'encap', 'encap-sport', 'encap-dport', 'name', 'link', 'type',
  'mtu', 'txqueuelen', 'address', 'broadcast', 'peer', 'numtxqueues', 'numrxqueues', 'group', 'netns', 'alias', 'index',
  'erspan', 'erspan_ver', 'erspan_dir', 'erspan_hwid', 'fwmark', 'external', 'master', 'vrf',
]);

function namedEntity(args: readonly string[]): string | undefined {
  const explicit = valuesOf(args, 'name')[0] ?? valuesOf(args, 'dev')[0];
  if (explicit) return explicit;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (TUNNEL_KEYWORDS_WITH_VALUE.has(a)) i++;
    else if (!['up', 'down', 'pmtudisc', 'nopmtudisc', 'csum', 'nocsum', 'seq', 'noseq', 'ignore-df', 'noignore-df'].includes(a)) return a;
  }
  return undefined;
}

function parseTunnel(args: readonly string[], ctx: CommandContext): CommandContext {
  const name = namedEntity(args);
  const local = valuesOf(args, 'local')[0];
  const remote = valuesOf(args, 'remote')[0];
  const mode = valuesOf(args, 'mode')[0];
  return {
    ...ctx, kind: 'tunnel', devices: name ? [name] : [],
    ...(local ? { local } : {}), ...(remote ? { remote } : {}), ...(mode ? { linkType: mode } : {}),
  };
}

function parseLink(args: readonly string[], ctx: CommandContext, verb: string | undefined): CommandContext {
  const typeAt = args.indexOf('type');
  const before = typeAt === -1 ? args : args.slice(0, typeAt);
  const after = typeAt === -1 ? [] : args.slice(typeAt + 2);
  const name = namedEntity(before);
  const linkType = typeAt === -1 ? undefined : args[typeAt + 1];
  const local = valuesOf(after, 'local')[0];
  const remote = valuesOf(after, 'remote')[0];
  const kind: CommandKind = verb === 'add' || verb === 'replace' ? 'link-add' : verb === 'set' || verb === 'change' ? 'link-set' : verb === 'show' ? 'link-show' : 'other';
  return {
    ...ctx, kind, devices: name ? [name] : [],
    ...(linkType ? { linkType } : {}), ...(local ? { local } : {}), ...(remote ? { remote } : {}),
  };
}

/** The interface a per-interface sysctl key names: net.mpls.conf.IF.input, net.ipv4.conf.IF.rp_filter. */
export function sysctlInterface(key: string): string | undefined {
  const parts = key.split('.');
  if (parts.length >= 5 && (parts[1] === 'mpls' || parts[1] === 'ipv4' || parts[1] === 'ipv6') && parts[2] === 'conf') {
    const name = parts.slice(3, -1).join('.');
    return name === 'all' || name === 'default' ? undefined : name;
  }
  return undefined;
}

/** sysctl accepts net/mpls/platform_labels as well as net.mpls.platform_labels. */
export const normalizeSysctlKey = (key: string): string => (key.includes('/') && !key.includes('.') ? key.replace(/^\/?(proc\/sys\/)?/, '').replace(/\//g, '.') : key);

function parseSysctl(args: readonly string[], base: CommandContext): CommandContext {
  const entries: { key: string; value?: string }[] = [];
  let write = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '-p' || a === '--load' || a === '-f') {
      i++;
      continue;
    }
    if (a.startsWith('-')) {
      if (/^-[a-zA-Z]*w/.test(a) || a === '--write') write = true;
      continue;
    }
    const eq = a.indexOf('=');
    if (eq > 0) entries.push({ key: normalizeSysctlKey(a.slice(0, eq).trim()), value: a.slice(eq + 1).trim() });
    else entries.push({ key: normalizeSysctlKey(a) });
  }
  const devices = entries.map((e) => sysctlInterface(e.key)).filter((d): d is string => d !== undefined);
  return { ...base, kind: 'sysctl', verb: write || entries.some((e) => e.value !== undefined) ? 'write' : 'read', sysctl: entries, devices };
}

function parseModprobe(args: readonly string[], base: CommandContext): CommandContext {
  let all = false;
  let remove = false;
  const names: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '-C' || a === '-d' || a === '-S' || a === '-o' || a === '--config' || a === '--dirname' || a === '--set-version') {
      i++;
    } else if (a.startsWith('--')) {
      if (a === '--all') all = true;
      if (a === '--remove') remove = true;
    } else if (a.startsWith('-')) {
      if (a.includes('a')) all = true;
      if (a.includes('r')) remove = true;
    } else {
      names.push(a);
    }
  }
  const modules = (all ? names : names.slice(0, 1)).map((m) => m.replace(/-/g, '_'));
  return { ...base, kind: 'modprobe', verb: remove ? 'remove' : 'load', modules };
}

const PING_OPTS_WITH_VALUE = new Set(['c', 'i', 'W', 'w', 's', 'I', 'M', 't', 'Q', 'l', 'p', 'S', 'F', 'm', 'T', 'e']);

function parsePing(args: readonly string[], base: CommandContext): CommandContext {
  let destination: string | undefined;
  let source: string | undefined;
  let size: number | undefined;
  let dontFragment = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a.startsWith('-') && a.length >= 2) {
      const flag = a[1]!;
      if (PING_OPTS_WITH_VALUE.has(flag)) {
        const value = a.length > 2 ? a.slice(2) : args[++i];
        if (flag === 'I') source = value;
        if (flag === 's' && value !== undefined && /^\d+$/.test(value)) size = Number(value);
        if (flag === 'M' && value === 'do') dontFragment = true;
      }
    } else {
      destination = a;
    }
  }
  return {
    ...base, kind: 'ping',
    ping: { dontFragment, ...(destination ? { destination } : {}), ...(source ? { source } : {}), ...(size !== undefined ? { size } : {}) },
    devices: source && !/^[0-9a-f.:]+$/i.test(source) ? [source] : [],
  };
}

/** A label as iproute2 reads it (get_unsigned, base 0): decimal or 0x hex; undefined when neither. */
export function labelValue(text: string): number | undefined {
  if (/^0x[0-9a-f]{1,8}$/i.test(text)) return Number.parseInt(text.slice(2), 16);
  if (/^[0-9]{1,10}$/.test(text)) return Number(text);
  return undefined;
}
