import { classSteps } from './plan-classes.js';
import type { HostSpec, Topology } from './topology.js';
import type { CheckAction, JsonValue } from './plan-check.js';
import type { Action, Plan, Step } from './plan-types.js';
import { sysctlKey } from './sysctl-key.js';

export type { Action, HostPlan, Plan, Step, StepKind } from './plan-types.js';
export type { CheckAction, CheckExpectation, JsonValue } from './plan-check.js';
export { isInEffect, jsonIncludes } from './plan-check.js';
export { quoteForDisplay, renderPlan, showAction } from './plan-render.js';
export { sysctlKey, sysctlProcPath } from './sysctl-key.js';

const exec = (...argv: string[]): Action => ({ kind: 'exec', argv });
const checkJson = (argv: string[], value: JsonValue): CheckAction => ({ kind: 'exec', argv, inEffectWhen: { kind: 'json-includes', value } });
const checkSysctl = (key: string, value: string): CheckAction => ({
  kind: 'exec',
  argv: ['sysctl', '-n', key],
  inEffectWhen: { kind: 'stdout-equals', value },
});

function moduleStep(host: string, module: string, why: string, optional = false): Step {
  return {
    id: `${host}.module.${module}`,
    host,
    kind: 'module',
    description: `load kernel module ${module} (${why})`,
    do: { kind: 'modprobe', module },
    undo: { kind: 'module-unload-if-loaded-by-us', module },
    undoNote: 'unloaded only if this run loaded it; modules are shared by every namespace of the kernel',
    ...(optional ? { optional: true as const } : {}),
  };
}

function sysctlStep(host: string, id: string, key: string, value: string, description: string, check: CheckAction): Step {
  return {
    id: `${host}.${id}`,
    host,
    kind: 'sysctl',
    description,
    do: { kind: 'sysctl-write', key, value },
    undo: { kind: 'sysctl-restore', key },
    undoNote: `restores the value ${key} had before`,
    check,
  };
}

/** Steps owned by the tunnel device: deleting the device removes them. */
function withLink(host: string, ifname: string): Pick<Step, 'undo' | 'undoNote' | 'undoWith'> {
  return { undo: null, undoNote: `removed with ${ifname} when ${host}.link.add is undone`, undoWith: `${host}.link.add` };
}

function hostSteps(t: Topology, h: HostSpec, peer: HostSpec): Step[] {
  const { name: ifname, mode, overlay, platformLabels, ttl } = t.tunnel;
  const n = h.name;
  const v6Under = mode === 'ip6gre';
  const v6Over = overlay.includes(':');
  const ipTunnel = v6Under ? ['ip', '-6', 'tunnel'] : ['ip', 'tunnel'];
  const ipRoute = v6Over ? ['ip', '-6', 'route'] : ['ip', 'route'];
  const hostLen = v6Over ? 128 : 32;
  const kindName = v6Under ? 'ip6gre' : 'gre';
  const labelsKey = 'net.mpls.platform_labels';
  const inputKey = sysctlKey('net', 'mpls', 'conf', ifname, 'input');

  const steps: Step[] = [
    moduleStep(n, 'mpls_router', 'MPLS forwarding; creates the net.mpls sysctls'),
    moduleStep(n, 'mpls_iptunnel', 'encap mpls on IP routes'),
    moduleStep(n, v6Under ? 'ip6_gre' : 'ip_gre', `${kindName} tunnel devices`),
    moduleStep(n, 'mpls_gso', 'segmentation offload for MPLS; optional', true),
    sysctlStep(n, 'sysctl.platform_labels', labelsKey, String(platformLabels), `size the label table to ${platformLabels} entries so label ${peer.label} can be popped`, {
      kind: 'exec',
      argv: ['sysctl', '-n', labelsKey],
      inEffectWhen: { kind: 'int-at-least', value: platformLabels },
    }),
    {
      id: `${n}.link.add`,
      host: n,
      kind: 'link',
      description: `create ${kindName} tunnel ${ifname} ${h.underlay} -> ${peer.underlay}`,
      do: exec(...ipTunnel, 'add', 'name', ifname, 'mode', kindName, 'remote', peer.underlay, 'local', h.underlay, ...(ttl === undefined ? [] : ['ttl', String(ttl)])),
      undo: exec('ip', 'link', 'delete', 'dev', ifname),
      check: checkJson(['ip', '-j', '-d', 'link', 'show', 'dev', ifname], {
        ifname,
        linkinfo: { info_kind: kindName, info_data: { local: h.underlay, remote: peer.underlay } },
      }),
    },
    {
      id: `${n}.addr.add`,
      host: n,
      kind: 'addr',
      description: `put overlay address ${h.overlay} on ${ifname}`,
      do: exec('ip', 'address', 'add', `${h.overlay}/${hostLen}`, 'dev', ifname),
      ...withLink(n, ifname),
      check: checkJson(['ip', '-j', 'address', 'show', 'dev', ifname], { addr_info: [{ local: h.overlay, prefixlen: hostLen }] }),
    },
    {
      id: `${n}.link.up`,
      host: n,
      kind: 'link',
      description: `bring ${ifname} up`,
      do: exec('ip', 'link', 'set', 'dev', ifname, 'up'),
      ...withLink(n, ifname),
      check: checkJson(['ip', '-j', 'link', 'show', 'dev', ifname], { flags: ['UP'] }),
    },
    {
      ...sysctlStep(n, 'sysctl.mpls_input', inputKey, '1', `accept MPLS packets arriving on ${ifname}`, checkSysctl(inputKey, '1')),
      ...withLink(n, ifname),
    },
    {
      id: `${n}.route.overlay`,
      host: n,
      kind: 'route',
      description: `route ${overlay} into ${ifname}, pushing label ${h.label} toward ${peer.name}`,
      do: exec(...ipRoute, 'add', overlay, 'encap', 'mpls', String(h.label), 'dev', ifname),
      ...withLink(n, ifname),
      check: {
        kind: 'exec',
        argv: [...ipRoute, 'show', overlay, 'dev', ifname],
        inEffectWhen: { kind: 'stdout-matches', pattern: `\\bencap mpls +${h.label}(?![0-9/])` },
      },
    },
    {
      id: `${n}.link.lo_up`,
      host: n,
      kind: 'link',
      description: 'bring lo up (popped packets are delivered through lo; a fresh namespace starts with it down)',
      do: exec('ip', 'link', 'set', 'dev', 'lo', 'up'),
      undo: exec('ip', 'link', 'set', 'dev', 'lo', 'down'),
      undoNote: 'runs only if this step ran, i.e. lo was down before',
      check: checkJson(['ip', '-j', 'link', 'show', 'dev', 'lo'], { flags: ['UP'] }),
    },
    {
      id: `${n}.mpls-route.pop`,
      host: n,
      kind: 'mpls-route',
      description: `pop label ${peer.label} (pushed by ${peer.name}) and deliver the packet locally`,
      do: exec('ip', '-f', 'mpls', 'route', 'add', String(peer.label), 'dev', 'lo'),
      undo: exec('ip', '-f', 'mpls', 'route', 'delete', String(peer.label), 'dev', 'lo'),
      check: checkJson(['ip', '-j', '-f', 'mpls', 'route', 'show'], { dst: String(peer.label), dev: 'lo' }),
    },
  ];

  // rp_filter is IPv4 only. The effective value is max(all, dev): with all=2 (the highest) no
  // device can make it stricter, but with 0 the devices the popped packets meet must be 0 too.
  if (!v6Over) {
    const rp = String(t.rpFilter);
    const mode = t.rpFilter === 2 ? 'loose' : 'off';
    const allKey = 'net.ipv4.conf.all.rp_filter';
    steps.push(sysctlStep(n, 'sysctl.rp_filter.all', allKey, rp, `reverse-path filter ${mode} (${rp}) for all interfaces`, checkSysctl(allKey, rp)));
    if (t.rpFilter === 0) {
      const loKey = 'net.ipv4.conf.lo.rp_filter';
      const ifKey = sysctlKey('net', 'ipv4', 'conf', ifname, 'rp_filter');
      steps.push(sysctlStep(n, 'sysctl.rp_filter.lo', loKey, rp, 'reverse-path filter off on lo, where popped packets arrive', checkSysctl(loKey, rp)));
      steps.push({
        ...sysctlStep(n, 'sysctl.rp_filter.tunnel', ifKey, rp, `reverse-path filter off on ${ifname}`, checkSysctl(ifKey, rp)),
        ...withLink(n, ifname),
      });
    }
  }
  steps.push(...classSteps(t, h, peer, moduleStep));
  return steps;
}

/**
 * The steps that bring up the topology, per host, in order. Pure: it reads nothing and runs
 * nothing. Modules come first because net.mpls.* does not exist until mpls_router is loaded.
 */
export function plan(topology: Topology): Plan {
  const [a, b] = topology.hosts;
  return {
    topology,
    hosts: [
      { name: a.name, target: a.target, steps: hostSteps(topology, a, b) },
      { name: b.name, target: b.target, steps: hostSteps(topology, b, a) },
    ],
  };
}
