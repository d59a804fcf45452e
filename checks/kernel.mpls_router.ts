import { moduleCheck } from './lib/module-check.js';

export default moduleCheck({ module: 'mpls_router', title: 'MPLS forwarding (mpls_router)', purpose: 'label routes and net.mpls sysctls' });
