import { ev, verdict } from './lib/evidence.js';
import { defineCause } from './types.js';

export default defineCause({
  id: 'overlay_address_absent',
  title: 'the host does not have its overlay address (on the tunnel)',
  fix: 'mplsgre up FILE (or ip address add OVERLAY/32 dev IF)',
  reads: [],
  assess({ facts: f }) {
    // verify reads the host's addresses before it sends: no error message names it.
    const p = f.presence;
    if (!p) return verdict('unknown', 'told only by verify, from the host\'s addresses');
    if (p.addressPresent) return verdict('ruled_out', `${p.host} has ${p.overlayAddress}`);
    const table = p.overlayAddress.includes(':') ? 'if_inet6' : 'fib_trie';
    return verdict('confirmed', `${p.host} does not have its overlay address ${p.overlayAddress}: pings from it cannot be sent`,
      [ev('', `${p.host}: ${p.overlayAddress} is not among its local addresses (/proc/net/${table})`)], p.upCommand);
  },
});
