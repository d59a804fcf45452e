import { ev, inNs, verdict } from './lib/evidence.js';
import { routedLabels } from './lib/labels.js';
import { unreadable } from './lib/modules.js';
import { defineCause, type Subject } from './types.js';

function platformFix(s: Subject, labels: readonly number[]): string {
  const top = labels.length ? Math.max(...labels) : 0;
  if (top >= 1_048_575) return 'label 1048575 can never have a route: net.mpls.platform_labels is at most 1048575 (labels 0..1048574); use a label from 16 to 1048574';
  const n = Math.max(65535, top + 1);
  return inNs(s, [`sysctl -w net.mpls.platform_labels=${n}`]) + ` && echo net.mpls.platform_labels=${n} >> /etc/sysctl.d/90-mpls.conf`;
}

export default defineCause({
  id: 'platform_labels_too_small',
  title: 'the label is not below net.mpls.platform_labels (0 in every new network namespace)',
  fix: 'sysctl -w net.mpls.platform_labels=65535 && echo net.mpls.platform_labels=65535 >> /etc/sysctl.d/90-mpls.conf',
  reads: ['platform-labels'],
  assess({ subject: s, facts: f, path }) {
    const pl = f.platformLabels;
    if (!pl) return verdict('unknown', 'net.mpls.platform_labels was not read');
    const evidence = [ev(pl.path, pl.value ?? pl.error ?? 'absent')];
    if (unreadable(pl)) return verdict('unknown', `net.mpls.platform_labels could not be read: ${pl.error}`, evidence);
    if (pl.value === undefined) return verdict('ruled_out', 'net.mpls is absent: the kernel has no MPLS forwarding at all (mpls_router)', evidence);
    const value = Number(pl.value);
    const labels = routedLabels(s);
    const fix = platformFix(s, labels);
    const host = path ? `${path[path.at].host} ` : '';
    if (value === 0) {
      return verdict('confirmed', `net.mpls.platform_labels is 0${path ? ` on ${path[path.at].host}` : s.netns ? ` in namespace ${s.netns}` : ''} (the default in every new network namespace): no label can have a route`, evidence, fix);
    }
    const over = labels.filter((l) => l >= value);
    if (over.length) {
      const l = Math.max(...over);
      const why = l >= 1_048_575 ? `label ${l} needs platform_labels ${l + 1}, above the most the kernel takes (1048575)` : `${host ? `${host}accepts labels below ${value} only: ` : ''}label ${l} is not below net.mpls.platform_labels (${value})`;
      return verdict('confirmed', why, evidence, fix);
    }
    if (labels.length) return verdict('ruled_out', `net.mpls.platform_labels is ${value}, above label ${Math.max(...labels)}`, evidence);
    return verdict('unknown', `net.mpls.platform_labels is ${value}; no label given to compare (--labels)`, evidence, fix);
  },
});
