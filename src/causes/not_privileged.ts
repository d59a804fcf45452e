import { ev, verdict } from './lib/evidence.js';
import { defineCause } from './types.js';

export default defineCause({
  id: 'not_privileged',
  title: 'the command ran without CAP_NET_ADMIN',
  fix: 'run it as root (sudo ...) or with CAP_NET_ADMIN in the network namespace',
  reads: ['privileges'],
  assess({ facts: f }) {
    const p = f.privileges;
    if (!p || p.capEff === undefined) return verdict('unknown', 'capabilities unreadable');
    const evidence = [ev(p.source, `CapEff ${p.capEff.toString(16).padStart(16, '0')}, uid ${p.uid ?? '?'}`)];
    const has = ((p.capEff >> 12n) & 1n) === 1n;
    if (!has) return verdict('confirmed', 'this process lacks CAP_NET_ADMIN, as the command did', evidence, 'run it as root (sudo ...)');
    return verdict('consistent', 'the command ran without CAP_NET_ADMIN (this process has it: it was run without sudo, or in a namespace it does not own)', evidence, 'run it as root (sudo ...) in the namespace it configures');
  },
});
