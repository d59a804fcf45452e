import { ev, verdict } from './lib/evidence.js';
import { moduleEvidence, moduleFix, moduleState } from './lib/modules.js';
import { netfilterModulesOf } from './lib/netfilter.js';
import { defineCause } from './types.js';

const IPTABLES = new Set(['iptables-legacy', 'iptables', 'ip6tables-legacy', 'ip6tables']);

export default defineCause({
  id: 'netfilter_module_missing',
  title: 'a netfilter module the rule needs (the mangle table, a match or a target) is not loaded and cannot be loaded',
  fix: 'modprobe -a iptable_mangle xt_dscp xt_mark xt_u32 xt_DSCP   # if modprobe cannot find them, install the modules package of the running kernel',
  reads: ['netfilter-modules'],
  assess({ subject: s, facts: f }) {
    const wanted = netfilterModulesOf(s.command?.argv ?? [], s.module);
    const read = wanted.map((m) => f.modules[m]).filter((m) => m !== undefined);
    if (!read.length) return verdict('unknown', 'the netfilter modules were not read');
    const evidence = read.flatMap((m) => [ev(`module ${m.module}`, moduleState(m)), ...moduleEvidence(m)]);
    const absent = read.filter((m) => m.state === 'missing');
    const notLoaded = read.filter((m) => m.state !== 'loaded' && m.state !== 'builtin');
    if (absent.length) {
      return verdict('confirmed', `${absent.map((m) => m.module).join(', ')} cannot be loaded: ${absent.map((m) => `${m.module} ${moduleState(m)}`).join('; ')}`,
        evidence, [...new Set(absent.map(moduleFix))].join(' && '));
    }
    // iptables (legacy) has the kernel load a table's, a match's or a target's module as it runs (request_module): still absent after it ran, it cannot be loaded.
    const ran = s.command !== undefined && IPTABLES.has(s.command.tool);
    if (notLoaded.length && ran) {
      return verdict('confirmed', `${notLoaded.map((m) => `${m.module} ${moduleState(m)}`).join('; ')}; ${s.command!.tool} had the kernel load ${notLoaded.length === 1 ? 'it' : 'them'} on demand, and ${notLoaded.length === 1 ? 'it is' : 'they are'} still not loaded: the module cannot be loaded here`,
        evidence, `modprobe -a ${notLoaded.map((m) => m.module).join(' ')}   # fails while no module file is found: install the modules package of the running kernel, or boot one built with them`);
    }
    if (notLoaded.length) {
      return verdict('consistent', `${notLoaded.map((m) => `${m.module} ${moduleState(m)}`).join('; ')}: the kernel loads it on demand only when modprobe can find it`,
        evidence, `modprobe -a ${notLoaded.map((m) => m.module).join(' ')}`);
    }
    return verdict('ruled_out', `${read.map((m) => m.module).join(', ')} ${read.length === 1 ? 'is' : 'are'} loaded now`, evidence);
  },
});
