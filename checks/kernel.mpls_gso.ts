import { moduleCheck } from './lib/module-check.js';

export default moduleCheck({
  module: 'mpls_gso',
  title: 'MPLS segmentation offload (mpls_gso)',
  purpose: 'without it large TCP segments over MPLS are dropped or fall back to slow paths',
  optional: true,
});
