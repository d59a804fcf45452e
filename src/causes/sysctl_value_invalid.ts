import { inNs, verdict } from './lib/evidence.js';
import { defineCause } from './types.js';

export default defineCause({
  id: 'sysctl_value_invalid',
  title: 'the kernel refused the value written to the sysctl',
  fix: 'net.mpls.platform_labels takes 0..1048575; net.mpls.conf.IF.input and rp_filter take 0, 1 (or 2 for rp_filter)',
  reads: [],
  assess({ subject: s }) {
    const { key, value } = s;
    if (!key || value === undefined) return verdict('unknown', 'no key and value to check');
    const n = /^-?\d+$/.test(value) ? Number(value) : undefined;
    if (key === 'net.mpls.platform_labels') {
      if (n === undefined || n < 0 || n > 1_048_575) return verdict('confirmed', `${value} is not in 0..1048575, what net.mpls.platform_labels takes`, [], inNs(s, ['sysctl -w net.mpls.platform_labels=65535']));
      return verdict('ruled_out', `${value} is in range`);
    }
    if (/\.input$/.test(key) && n !== 0 && n !== 1) return verdict('confirmed', `${key} takes 0 or 1 (got ${value})`, [], inNs(s, [`sysctl -w ${key}=1`]));
    if (/\.rp_filter$/.test(key) && (n === undefined || n < 0 || n > 2)) return verdict('confirmed', `${key} takes 0, 1 or 2 (got ${value})`, [], inNs(s, [`sysctl -w ${key}=2`]));
    return verdict('unknown', `the kernel refused ${value} for ${key}`);
  },
});
