import type { CauseId } from '../causes/ids.js';
import type { CommandKind } from './command-line.js';

/**
 * The messages mplsgre knows, as the tools print them. Every text was either recorded from a
 * real kernel by scripts/record-transcripts.ts (its fixture is named) or is cited from the
 * upstream source that prints it. A meta-test holds each recorded text to its fixture.
 *
 * iproute2 prints a kernel's extended ack as `Error: MESSAGE.`; without one (older kernels, or
 * an error the kernel gives no message for) it prints `RTNETLINK answers: strerror(errno)`
 * (iproute2/iproute2 lib/libnetlink.c, rtnl_talk_error and nl_dump_ext_ack).
 */

/** Where and with what a text was seen. */
export interface Sighting {
  /** Versions of the kernel and the tool that printed it. */
  readonly versions: string;
  /** A fixture under test/fixtures/transcripts/, or `github:OWNER/REPO PATH@COMMIT (what it shows)`. */
  readonly source: string;
}

export interface KnownText {
  /** Exactly as printed. */
  readonly text: string;
  readonly seen: readonly Sighting[];
}

/** Narrows the candidates by the command that printed the message. All given fields must hold. */
export interface CommandRule {
  readonly kinds?: readonly CommandKind[];
  /** Only `ip route ... encap mpls`. */
  readonly encap?: boolean;
  /** Only these `type`/`mode` values of a link or tunnel. */
  readonly linkTypes?: readonly string[];
  /** Only when the sysctl key (from the message or the command) matches. */
  readonly key?: RegExp;
  /** Only when the module named (by the message or the command) is one of these. */
  readonly modules?: readonly string[];
  readonly causes: readonly CauseId[];
}

export interface KnowledgeEntry {
  /** Stable id of the message. */
  readonly id: string;
  /** The programs that print it: the command for it is the last one of these in a command line. */
  readonly tools: readonly string[];
  /** Whole-line patterns; named groups: label, iface, path, key, module, mtu, ns. */
  readonly patterns: readonly RegExp[];
  readonly texts: readonly KnownText[];
  /** What the message means at its source. */
  readonly meaning: string;
  /** Candidates when no rule applies (no command, or none matches). */
  readonly causes: readonly CauseId[];
  /** First matching rule wins. */
  readonly rules?: readonly CommandRule[];
  /** The message itself names the cause: the ranker reports it certain, probes add evidence. */
  readonly decisive?: boolean;
  /** The live probe that tells the candidates apart. */
  readonly probe: string;
  /** What to do in general; diagnose gives each cause's own fix, refined by the live facts. */
  readonly fix: string;
  /** Upstream facts the candidates rest on, cited. */
  readonly notes?: readonly Sighting[];
}

const FIXTURES = 'test/fixtures/transcripts';
const IP = 'kernel 6.1.176, iproute2 6.1.0';
const rec = (name: string, versions = IP): Sighting => ({ versions, source: `${FIXTURES}/${name}.json` });
const PROCPS = 'kernel 6.1.176, procps-ng 4.0.2';
const KMOD = 'kernel 6.1.176, kmod 30';
const IPUTILS = 'kernel 6.1.176, iputils 20221126';

const IPTABLES = 'kernel 6.1.176, iptables 1.8.9 (legacy)';
const IPTABLES_TOOLS = ['iptables-legacy', 'iptables', 'ip6tables-legacy', 'ip6tables'];

const GRE_TYPES = ['gre', 'gretap', 'ip6gre', 'ip6gretap', 'erspan', 'ip6erspan'];

const OLD_AF_MPLS: Sighting = {
  versions: 'kernels whose net/mpls/af_mpls.c sets no extended-ack messages (the first MPLS releases)',
  source: 'github:torvalds/linux net/mpls/af_mpls.c@0013eec9827d0daf08136cb1be4c39c4abf7a9a5 (mpls_route_add: label < 16, label >= platform_labels and devices other than Ethernet or loopback return -EINVAL without a message)',
};
const DEVICE_TYPES: Sighting = {
  versions: 'kernels before "net: Removed the device type check to add mpls support for devices" (Martin Varghese)',
  source: 'github:torvalds/linux net/mpls/af_mpls.c (mpls_dev_notify: only Ethernet, loopback, IPGRE, IP6GRE, SIT and IPIP devices get net.mpls.conf.IF; recorded 6.1.176 gives every device one)',
};

export const KNOWLEDGE: readonly KnowledgeEntry[] = [
  {
    id: 'rtnetlink-not-supported',
    tools: ['ip'],
    patterns: [/^RTNETLINK answers: Operation not supported$/],
    texts: [{ text: 'RTNETLINK answers: Operation not supported', seen: [rec('fresh-mpls-route-add'), rec('hidden-mpls-route-add')] }],
    meaning: 'EOPNOTSUPP: no rtnetlink handler for the request; for AF_MPLS routes the handler comes with mpls_router (never auto-loaded)',
    causes: ['mpls_router_missing', 'mpls_iptunnel_missing', 'ip_gre_missing'],
    rules: [
      { kinds: ['mpls-route'], causes: ['mpls_router_missing'] },
      { kinds: ['ip-route'], encap: true, causes: ['mpls_iptunnel_missing'] },
      { kinds: ['link-add', 'tunnel'], linkTypes: GRE_TYPES, causes: ['ip_gre_missing'] },
    ],
    probe: '/proc/sys/net/mpls exists once mpls_router is loaded; /proc/modules, modules.dep and the kernel config tell whether each module is loaded, loadable or absent',
    fix: 'load the module the command needs: modprobe mpls_router (label routes), mpls_iptunnel (encap mpls), ip_gre (GRE links)',
  },
  {
    id: 'lwt-not-supported',
    tools: ['ip'],
    patterns: [/^Error: lwt encapsulation type not supported\.?$/],
    texts: [{ text: 'Error: lwt encapsulation type not supported.', seen: [rec('hidden-encap-route')] }],
    meaning: 'the kernel has no handler for encap mpls: mpls_iptunnel is not loaded and the kernel could not load it (it asks modprobe for rtnl-lwt-MPLS)',
    causes: ['mpls_iptunnel_missing'],
    decisive: true,
    probe: 'mpls_iptunnel in /proc/modules; its module file in modules.dep; CONFIG_MPLS_IPTUNNEL',
    fix: "modprobe mpls_iptunnel, or install the kernel's modules package",
  },
  {
    id: 'unknown-device-type',
    tools: ['ip'],
    patterns: [/^Error: Unknown device type\.?$/],
    texts: [{ text: 'Error: Unknown device type.', seen: [rec('hidden-link-add-gre')] }],
    meaning: 'no link type of that name is registered, and loading its module (rtnl-link-TYPE) failed',
    causes: ['ip_gre_missing'],
    rules: [
      { kinds: ['link-add'], linkTypes: GRE_TYPES, causes: ['ip_gre_missing'] },
      { kinds: ['link-add'], causes: [] },
    ],
    probe: 'ip_gre in /proc/modules; its module file in modules.dep; CONFIG_NET_IPGRE',
    fix: "modprobe the link type's module (ip_gre for gre), or install the kernel's modules package",
  },
  {
    id: 'tunnel-no-such-device',
    tools: ['ip'],
    patterns: [/^add tunnel "[^"]*" failed: No such device$/, /^ioctl: No such device$/],
    texts: [
      { text: 'add tunnel "gre0" failed: No such device', seen: [rec('hidden-tunnel-add')] },
      {
        text: 'ioctl: No such device',
        seen: [{ versions: 'older iproute2', source: 'github:iproute2/iproute2 ip/tunnel.c@0b959b0f4dcb9c905fb1b7f60d39d9e284e77eea (tnl_add_ioctl: perror("ioctl"))' }],
      },
    ],
    meaning: 'ENODEV on gre0, the device ip_gre creates in every namespace: ip_gre is not loaded and the kernel could not load it (netdev-gre0)',
    causes: ['ip_gre_missing'],
    rules: [{ kinds: ['tunnel'], linkTypes: ['gre', 'ip6gre'], causes: ['ip_gre_missing'] }, { kinds: ['tunnel'], causes: [] }],
    probe: 'ip_gre in /proc/modules; its module file in modules.dep; CONFIG_NET_IPGRE',
    fix: "modprobe ip_gre, or install the kernel's modules package",
  },
  {
    id: 'tunnel-exists',
    tools: ['ip'],
    patterns: [/^add tunnel "[^"]*" failed: File exists$/],
    texts: [{ text: 'add tunnel "gre0" failed: File exists', seen: [rec('tunnel-same-endpoints')] }],
    meaning: 'EEXIST: a tunnel with that name, or with the same local, remote and key, already exists',
    causes: ['tunnel_exists'],
    decisive: true,
    probe: 'ip -j -d address show: the tunnels, their names and endpoints',
    fix: 'reuse the existing tunnel, delete it, or give the tunnels keys',
  },
  {
    id: 'rtnetlink-file-exists',
    tools: ['ip'],
    patterns: [/^RTNETLINK answers: File exists$/],
    texts: [{ text: 'RTNETLINK answers: File exists', seen: [rec('mpls-route-exists'), rec('ip-route-exists'), rec('link-exists')] }],
    meaning: 'EEXIST: the route or link to create is already there',
    causes: ['route_exists', 'interface_exists'],
    rules: [
      { kinds: ['mpls-route', 'ip-route'], causes: ['route_exists'] },
      { kinds: ['link-add', 'tunnel'], causes: ['interface_exists'] },
    ],
    decisive: true,
    probe: 'ip -j -f mpls route show / ip -j route show exact PREFIX; /sys/class/net/NAME',
    fix: 'replace instead of add, or delete the old route or link first',
  },
  {
    id: 'label-above-platform-labels',
    tools: ['ip'],
    patterns: [/^Error: Label >= configured maximum in platform_labels\.?$/],
    texts: [
      {
        text: 'Error: Label >= configured maximum in platform_labels.',
        seen: [rec('netns-platform-labels-zero'), rec('platform-labels-below-label'), rec('platform-labels-max-label')],
      },
    ],
    meaning: 'the label is not below net.mpls.platform_labels, which is 0 in every new network namespace (af_mpls.c, mpls_label_ok)',
    causes: ['platform_labels_too_small'],
    decisive: true,
    probe: '/proc/sys/net/mpls/platform_labels in the namespace the command ran in',
    fix: 'sysctl -w net.mpls.platform_labels=65535 in the namespace the route goes in (and persist it)',
  },
  {
    id: 'label-reserved',
    tools: ['ip'],
    patterns: [/^Error: Invalid label - must be MPLS_LABEL_FIRST_UNRESERVED or higher\.?$/],
    texts: [{ text: 'Error: Invalid label - must be MPLS_LABEL_FIRST_UNRESERVED or higher.', seen: [rec('label-reserved')] }],
    meaning: 'labels 0-15 are reserved (RFC 3032) and cannot have a route (af_mpls.c, mpls_label_ok)',
    causes: ['label_reserved'],
    decisive: true,
    probe: 'the label in the command',
    fix: 'use a label from 16 to 1048574',
  },
  {
    id: 'implicit-null',
    tools: ['ip'],
    patterns: [/^Error: Implicit NULL Label \(3\) can not be used in encapsulation\.?$/],
    texts: [{ text: 'Error: Implicit NULL Label (3) can not be used in encapsulation.', seen: [rec('label-implicit-null'), rec('encap-implicit-null')] }],
    meaning: 'label 3 (implicit null) means "pop": it can never be pushed nor routed (af_mpls.c, nla_get_labels)',
    causes: ['label_reserved'],
    decisive: true,
    probe: 'the label in the command',
    fix: 'use a label from 16 to 1048574; to pop, route the label to a device without pushing one',
  },
  {
    id: 'mpls-label-unparsable',
    tools: ['ip'],
    patterns: [/^Error: mpls (?:prefix|address) is expected rather than "(?<label>[^"]*)"\.?$/],
    texts: [
      { text: 'Error: mpls prefix is expected rather than "1048576".', seen: [rec('label-out-of-range')] },
      { text: 'Error: mpls address is expected rather than "1048576".', seen: [rec('encap-label-out-of-range')] },
    ],
    meaning: 'iproute2 could not read the label: not a number, or above 1048575 (20 bits)',
    causes: ['label_out_of_range'],
    decisive: true,
    probe: 'the label in the message',
    fix: 'use a label from 16 to 1048574',
  },
  {
    id: 'rtnetlink-invalid-argument',
    tools: ['ip'],
    patterns: [/^RTNETLINK answers: Invalid argument$/],
    texts: [{ text: 'RTNETLINK answers: Invalid argument', seen: [OLD_AF_MPLS] }],
    meaning: 'EINVAL without a message: on older kernels every rejected MPLS route says this',
    causes: ['label_reserved', 'platform_labels_too_small', 'interface_not_mpls_capable'],
    rules: [
      { kinds: ['mpls-route'], causes: ['label_reserved', 'platform_labels_too_small', 'interface_not_mpls_capable'] },
      { kinds: ['ip-route'], encap: true, causes: ['label_reserved'] },
      { kinds: ['ip-route', 'link-add', 'link-set', 'tunnel', 'other'], causes: [] },
    ],
    probe: 'the label against 16 and /proc/sys/net/mpls/platform_labels; /proc/sys/net/mpls/conf/DEV for the device',
    fix: 'a label from 16 to below net.mpls.platform_labels, on a device with an MPLS configuration',
    notes: [DEVICE_TYPES],
  },
  {
    id: 'nexthop-device-down',
    tools: ['ip'],
    patterns: [/^Error: Device for nexthop is not up\.?$/],
    texts: [{ text: 'Error: Device for nexthop is not up.', seen: [rec('device-down-route')] }],
    meaning: 'ENETDOWN: the route\'s device is administratively down (fib_check_nh)',
    causes: ['device_down'],
    decisive: true,
    probe: '/sys/class/net/DEV/flags and operstate',
    fix: 'ip link set DEV up, then add the route',
  },
  {
    id: 'cannot-find-device',
    tools: ['ip'],
    patterns: [/^Cannot find device "(?<iface>[^"]*)"$/, /^Device "(?<iface>[^"]*)" does not exist\.?$/],
    texts: [
      { text: 'Cannot find device "foo4"', seen: [rec('interface-missing-route'), rec('interface-missing-link-set')] },
      { text: 'Device "foo4" does not exist.', seen: [rec('interface-missing-link-show')] },
    ],
    meaning: 'iproute2 found no interface of that name in the namespace it ran in',
    causes: ['interface_missing'],
    decisive: true,
    probe: '/sys/class/net/NAME in this network namespace',
    fix: 'create the interface first, or run the command in the namespace that holds it',
  },
  {
    id: 'sysctl-no-such-key',
    tools: ['sysctl'],
    patterns: [/^sysctl: cannot stat (?<path>\/proc\/sys\/\S+): No such file or directory$/, /^error: "(?<key>[^"]+)" is an unknown key$/],
    texts: [
      {
        text: 'sysctl: cannot stat /proc/sys/net/mpls/conf/foo4/input: No such file or directory',
        seen: [rec('fresh-sysctl-conf-input', PROCPS), rec('interface-missing-sysctl', PROCPS)],
      },
      { text: 'sysctl: cannot stat /proc/sys/net/mpls/platform_labels: No such file or directory', seen: [rec('fresh-sysctl-platform-labels', PROCPS)] },
      {
        text: 'error: "net.mpls.conf.foo4.input" is an unknown key',
        seen: [{ versions: 'procps 3.2', source: 'github:credil/procps sysctl.c@2899cbe7fd16516385cdc43f14dd98bf7a228393 (ERR_INVALID_KEY on ENOENT)' }],
      },
    ],
    meaning: 'the file under /proc/sys does not exist: net.mpls appears only with mpls_router, net.*.conf.IF only with the interface',
    causes: ['mpls_router_missing', 'interface_missing', 'interface_not_mpls_capable'],
    rules: [
      { key: /^net\.mpls\.conf\./, causes: ['mpls_router_missing', 'interface_missing', 'interface_not_mpls_capable'] },
      { key: /^net\.mpls\./, causes: ['mpls_router_missing'] },
      { key: /^net\.ipv[46]\.conf\./, causes: ['interface_missing'] },
      { key: /./, causes: [] },
    ],
    probe: '/proc/sys/net/mpls (mpls_router), /sys/class/net/IF (the interface), /proc/sys/net/mpls/conf/IF',
    fix: 'modprobe mpls_router for net.mpls; create the interface for net.*.conf.IF',
    notes: [DEVICE_TYPES],
  },
  {
    id: 'sysctl-invalid-value',
    tools: ['sysctl'],
    patterns: [/^sysctl: setting key "(?<key>[^"]+)": Invalid argument$/],
    texts: [{ text: 'sysctl: setting key "net.mpls.platform_labels": Invalid argument', seen: [rec('platform-labels-invalid-value', PROCPS)] }],
    meaning: 'EINVAL on write: the kernel refused the value (platform_labels takes 0..1048575)',
    causes: ['sysctl_value_invalid'],
    decisive: true,
    probe: 'the value in the command against the key\'s range',
    fix: "write a value in the key's range",
  },
  {
    id: 'not-permitted',
    tools: ['ip', 'sysctl'],
    patterns: [
      /^RTNETLINK answers: Operation not permitted$/,
      /^add tunnel "[^"]*" failed: Operation not permitted$/,
      /^setting the network namespace "(?<ns>[^"]+)" failed: Operation not permitted$/,
      /^sysctl: permission denied on key "(?<key>[^"]+)"$/,
      /^error: permission denied on key '(?<key>[^']+)'$/,
    ],
    texts: [
      { text: 'RTNETLINK answers: Operation not permitted', seen: [rec('unprivileged-mpls-route')] },
      { text: 'add tunnel "gre0" failed: Operation not permitted', seen: [rec('unprivileged-tunnel-add')] },
      { text: 'setting the network namespace "T0" failed: Operation not permitted', seen: [rec('unprivileged-netns-exec')] },
      { text: 'sysctl: permission denied on key "net.mpls.platform_labels"', seen: [rec('unprivileged-sysctl', PROCPS)] },
      {
        text: 'error: permission denied on key \'net.mpls.platform_labels\'',
        seen: [{ versions: 'procps 3.2', source: 'github:credil/procps sysctl.c@2899cbe7fd16516385cdc43f14dd98bf7a228393 (ERR_PERMISSION_DENIED on EACCES)' }],
      },
    ],
    meaning: 'EPERM/EACCES: the process lacks CAP_NET_ADMIN in the network namespace (or is not root for /proc/sys)',
    causes: ['not_privileged'],
    decisive: true,
    probe: 'CapEff in /proc/self/status: whether this process holds CAP_NET_ADMIN',
    fix: 'run it as root (sudo), with CAP_NET_ADMIN in the namespace',
  },
  {
    id: 'modprobe-not-found',
    tools: ['modprobe'],
    patterns: [/^modprobe: FATAL: Module (?<module>\S+) not found in directory \S+$/],
    texts: [
      { text: 'modprobe: FATAL: Module mpls_router not found in directory /lib/modules/6.1.176', seen: [rec('hidden-modprobe-mpls-router', KMOD)] },
      { text: 'modprobe: FATAL: Module ip_gre not found in directory /lib/modules/6.1.176', seen: [rec('hidden-modprobe-ip-gre', KMOD)] },
      // iptables-legacy runs modprobe for a table's base module itself.
      { text: 'modprobe: FATAL: Module ip_tables not found in directory /lib/modules/6.1.176', seen: [rec('iptables-mangle-table-missing', IPTABLES)] },
    ],
    meaning: 'no module file of that name for the running kernel: the modules package is missing, or the kernel was built without it',
    causes: [],
    rules: [
      { modules: ['mpls_router'], causes: ['mpls_router_missing'] },
      { modules: ['mpls_iptunnel'], causes: ['mpls_iptunnel_missing'] },
      { modules: ['ip_gre', 'gre'], causes: ['ip_gre_missing'] },
      { modules: ['ip_tables', 'iptable_mangle', 'xt_dscp', 'xt_mark', 'xt_u32', 'xt_DSCP'], causes: ['netfilter_module_missing'] },
    ],
    decisive: true,
    probe: 'modules.dep and modules.builtin of the running kernel, its config (CONFIG_...=m or y), the distribution',
    fix: 'install the modules package of the running kernel, or boot a kernel built with the option',
  },
  {
    id: 'route-no-such-process',
    tools: ['ip'],
    patterns: [/^RTNETLINK answers: No such process$/],
    texts: [{ text: 'RTNETLINK answers: No such process', seen: [rec('route-absent')] }],
    meaning: 'ESRCH: the route to delete or change is not in the table',
    causes: ['route_absent'],
    rules: [{ kinds: ['ip-route', 'mpls-route'], causes: ['route_absent'] }, { kinds: ['link-add', 'link-set', 'tunnel', 'other'], causes: [] }],
    decisive: true,
    probe: 'ip -j route show exact PREFIX',
    fix: 'nothing to delete: list the routes first',
  },
  {
    id: 'network-unreachable',
    tools: ['ip'],
    patterns: [/^RTNETLINK answers: Network is unreachable$/, /^Error: Nexthop has invalid gateway\.?$/],
    texts: [
      { text: 'RTNETLINK answers: Network is unreachable', seen: [rec('underlay-route-get')] },
      { text: 'Error: Nexthop has invalid gateway.', seen: [rec('gateway-unreachable')] },
    ],
    meaning: 'ENETUNREACH: no route to the address (the peer, or the gateway)',
    causes: ['underlay_unreachable'],
    decisive: true,
    probe: 'ip -j route get ADDRESS',
    fix: 'give the host a route to the address: ip route get ADDRESS must name a device',
  },
  {
    id: 'ping-message-too-long',
    tools: ['ping'],
    patterns: [/^ping: local error: message too long, mtu=(?<mtu>\d+)$/],
    texts: [{ text: 'ping: local error: message too long, mtu=1472', seen: [rec('ping-mtu', IPUTILS)] }],
    meaning: 'EMSGSIZE with don\'t-fragment: the packet exceeds the path MTU the kernel knows (the tunnel\'s, less each label)',
    causes: ['mtu_exceeded'],
    decisive: true,
    probe: '/sys/class/net/IF/mtu of the tunnel against the packet size',
    fix: 'send smaller packets, or raise the underlay MTU',
  },
  {
    id: 'ping-total-loss',
    tools: ['ping'],
    patterns: [/^(?<sent>\d+) packets transmitted, 0 received(?:, \+\d+ errors)?, 100% packet loss(?:, time \d+ms)?$/],
    texts: [
      {
        text: '2 packets transmitted, 0 received, 100% packet loss',
        seen: ['ping-rp-filter-strict', 'ping-mpls-input-off', 'ping-label-not-routed', 'ping-local-endpoint-wrong', 'ping-remote-unreachable', 'ping-tunnel-down'].map((n) => rec(n, IPUTILS)),
      },
      { text: '1 packets transmitted, 0 received, +1 errors, 100% packet loss', seen: [rec('ping-mtu', IPUTILS)] },
    ],
    meaning: 'every packet was lost, silently: nothing on the sending side refused them',
    causes: [
      'device_down', 'underlay_unreachable', 'tunnel_endpoint_mismatch', 'mpls_router_missing', 'platform_labels_too_small',
      'mpls_input_disabled', 'label_not_routed', 'label_ttl_expired', 'rp_filter_strict', 'mtu_exceeded',
    ],
    probe: 'on the host that should receive: rp_filter (all, lo, tunnel) and IPReversePathFilter in /proc/net/netstat; '
      + 'net.mpls.conf.IF.input and the tunnel\'s MPLS counters (ip stats ... afstats: rx_dropped, rx_noroute, rx_errors); the MPLS routes for the labels; '
      + 'the tunnel\'s endpoints against local addresses and ip route get PEER; link state and MTU',
    fix: 'run mplsgre diagnose on the receiving host (--netns, --iface, --labels) to see which of the causes it is',
  },
  {
    id: 'rule-invalid-tos',
    tools: ['ip'],
    patterns: [/^Error: Invalid tos\.?$/],
    texts: [{ text: 'Error: Invalid tos.', seen: [rec('rule-tos-invalid')] }],
    meaning: 'the kernel refused an IPv4 policy rule whose tos has bits outside the legacy TOS field (mask 0x1e): a DSCP such as 46 (tos 0xb8) cannot select a rule',
    causes: ['rule_tos_unsupported'],
    decisive: true,
    probe: 'the tos value of the command, against the legacy TOS mask 0x1e',
    fix: 'set a firewall mark from the DSCP (iptables -t mangle ... -m dscp --dscp D -j MARK --set-mark M) and match the mark (ip rule add fwmark M lookup T): what a traffic class in the topology sets up',
    notes: [{ versions: 'Linux 6.1', source: 'github:torvalds/linux net/ipv4/fib_rules.c@830b3c68c1fb1e9176028d02ef86f3cf76aa2476 (fib4_rule_configure: frh->tos & ~IPTOS_TOS_MASK gives "Invalid tos")' }],
  },
  {
    id: 'iptables-table-missing',
    tools: IPTABLES_TOOLS,
    patterns: [
      /^ip6?tables v[\d.]+ \((?:legacy|nf_tables)\): can't initialize ip6?tables table `\w+': Table does not exist \(do you need to insmod\?\)$/,
      /^Perhaps ip6?tables or your kernel needs to be upgraded\.$/,
    ],
    texts: [
      { text: 'iptables v1.8.9 (legacy): can\'t initialize iptables table `mangle\': Table does not exist (do you need to insmod?)', seen: [rec('iptables-mangle-table-missing', IPTABLES)] },
      { text: 'Perhaps iptables or your kernel needs to be upgraded.', seen: [rec('iptables-mangle-table-missing', IPTABLES)] },
    ],
    meaning: 'the kernel has no such table, and loading its module (iptable_mangle for mangle) failed',
    causes: ['netfilter_module_missing'],
    decisive: true,
    probe: 'iptable_mangle (and the matches and targets the command names) in /proc/modules; their module files in modules.dep',
    fix: 'modprobe iptable_mangle, or install the modules package of the running kernel',
  },
  {
    id: 'iptables-extension-not-supported',
    tools: IPTABLES_TOOLS,
    patterns: [/^Warning: Extension (?<module>\w+) revision \d+ not supported, missing kernel module\?$/],
    texts: [
      { text: 'Warning: Extension u32 revision 0 not supported, missing kernel module?', seen: [rec('iptables-u32-match-missing', IPTABLES)] },
      { text: 'Warning: Extension DSCP revision 0 not supported, missing kernel module?', seen: [rec('iptables-u32-match-missing', IPTABLES)] },
    ],
    meaning: 'the kernel knows no match or target of that name: its module (xt_u32 for u32, xt_DSCP for DSCP) is not loaded',
    causes: ['netfilter_module_missing'],
    probe: 'the extension\'s module (xt_NAME) in /proc/modules and modules.dep',
    fix: 'modprobe xt_NAME (xt_u32, xt_DSCP, xt_dscp, xt_mark), or install the modules package of the running kernel',
  },
  {
    id: 'iptables-no-match-target',
    tools: IPTABLES_TOOLS,
    patterns: [/^ip6?tables(?: v[\d.]+ \((?:legacy|nf_tables)\))?: No chain\/target\/match by that name\.?$/],
    texts: [{ text: 'iptables: No chain/target/match by that name.', seen: [rec('iptables-u32-match-missing', IPTABLES)] }],
    meaning: 'ENOENT from the kernel: a chain, a match or a target the rule names does not exist there; for a match or target, its module (xt_u32 for -m u32, xt_DSCP for -j DSCP) is not loaded and could not be',
    causes: ['netfilter_module_missing'],
    probe: 'the modules of the matches and targets the command names (-m u32: xt_u32, -m dscp: xt_dscp, -j DSCP: xt_DSCP, -j MARK: xt_mark) in /proc/modules and modules.dep',
    fix: 'modprobe the module of the match or target (xt_u32, xt_dscp, xt_DSCP, xt_mark), or create the chain the rule names',
  },
];

export const knowledgeById = (id: string): KnowledgeEntry | undefined => KNOWLEDGE.find((k) => k.id === id);
