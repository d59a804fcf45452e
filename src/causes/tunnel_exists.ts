import { ev, ifaceEvidence, inNs, verdict } from './lib/evidence.js';
import { configuredTunnels } from './lib/tunnels.js';
import { defineCause, type LinkFacts } from './types.js';

const sameTunnel = (a: LinkFacts, local?: string, remote?: string): boolean => a.local === local && a.remote === remote;

export default defineCause({
  id: 'tunnel_exists',
  title: 'a GRE tunnel with the same endpoints (and key) already exists',
  fix: 'reuse that tunnel, delete it (ip tunnel del NAME), or tell the two apart with a key',
  reads: ['links', 'named-interface'],
  assess({ subject: s, facts: f }) {
    const name = s.iface;
    const c = s.command;
    if (name && f.interfaces[name]?.exists) {
      return verdict('confirmed', `an interface named ${name} already exists`, [ifaceEvidence(f, name)], inNs(s, [`ip tunnel del ${name}`]) + '   # or reuse it');
    }
    const links = f.links?.value;
    if (!links) return verdict('unknown', 'the tunnels could not be listed');
    const twin = configuredTunnels(links).find((l) => l.name !== name && sameTunnel(l, c?.local, c?.remote));
    const evidence = [ev(f.links!.source, configuredTunnels(links).map((l) => `${l.name} ${l.kind} local ${l.local ?? 'any'} remote ${l.remote}`).join('; ') || 'no GRE tunnels')];
    if (twin) {
      return verdict('confirmed', `tunnel ${twin.name} already joins local ${twin.local ?? 'any'} to remote ${twin.remote}: GRE tells tunnels apart by endpoints (and key) only`, evidence,
        `use ${twin.name}, or delete it (${inNs(s, [`ip tunnel del ${twin.name}`])}), or give both tunnels a key`);
    }
    return verdict('unknown', 'no tunnel with these endpoints now', evidence);
  },
});
