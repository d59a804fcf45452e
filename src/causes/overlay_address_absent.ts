import { verdict } from './lib/evidence.js';
import { defineCause } from './types.js';

export default defineCause({
  id: 'overlay_address_absent',
  title: 'the host does not have its overlay address (on the tunnel)',
  fix: 'mplsgre up FILE (or ip address add OVERLAY/32 dev IF)',
  reads: [],
  // verify reads the host's addresses before it sends (core/tunnel-presence.ts): no error message names it.
  assess: () => verdict('unknown', 'told only by verify, from the host\'s addresses'),
});
