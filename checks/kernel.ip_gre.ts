import { moduleCheck } from './lib/module-check.js';

export default moduleCheck({ module: 'ip_gre', title: 'GRE tunnels (ip_gre)', purpose: '`ip tunnel add ... mode gre`' });
