import { ev, ifaceEvidence, verdict } from './lib/evidence.js';
import { defineCause } from './types.js';

export default defineCause({
  id: 'interface_missing',
  title: 'the interface does not exist (in this network namespace)',
  fix: 'create the tunnel first (mplsgre up FILE, or ip tunnel add IF mode gre ...), or run in the namespace that holds it',
  reads: ['named-interface', 'platform-labels'],
  assess({ subject: s, facts: f, path }) {
    const p = f.presence;
    if (p) {
      if (p.flags !== null) return verdict('ruled_out', `${p.host} has ${p.iface}`);
      return verdict('confirmed', `${p.host} has no tunnel ${p.iface} (up has not run there, or down removed it)`, [ev('', `${p.host}: /sys/class/net/${p.iface}: absent`)], p.upCommand);
    }
    const name = s.iface;
    const i = name ? f.interfaces[name] : undefined;
    if (!name || !i) return verdict('unknown', 'no interface name to look up');
    const evidence = [ifaceEvidence(f, name)];
    if (i.error) return verdict('unknown', `${name} could not be read: ${i.error}`, evidence);
    if (!i.exists) {
      if (path) return verdict('confirmed', `${path[path.at].host} has no ${name}`, evidence, `mplsgre up FILE (on ${path[path.at].host})`);
      const where = s.netns ? ` in namespace ${s.netns}` : ' in this network namespace';
      return verdict('confirmed', `${name} does not exist${where}`, evidence,
        `create it first (mplsgre up FILE, or ip tunnel add ${name} mode gre local ... remote ...), or run the command in the namespace that holds it`);
    }
    return verdict('ruled_out', `${name} exists now`, evidence);
  },
});
