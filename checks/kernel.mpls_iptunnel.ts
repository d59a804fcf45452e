import { moduleCheck } from './lib/module-check.js';

export default moduleCheck({ module: 'mpls_iptunnel', title: 'MPLS encapsulation of IP routes (mpls_iptunnel)', purpose: '`ip route ... encap mpls`' });
