import { verdict } from './lib/evidence.js';
import { labelsOf } from './lib/labels.js';
import { defineCause } from './types.js';

const FIX = 'use a label from 16 to 1048574';

export default defineCause({
  id: 'label_reserved',
  title: 'labels 0-15 are reserved (RFC 3032); 3 (implicit null) cannot be pushed',
  fix: FIX,
  reads: [],
  assess({ subject: s }) {
    const labels = labelsOf(s);
    const reserved = labels.filter((l) => l < 16);
    if (reserved.includes(3)) return verdict('confirmed', 'label 3 is implicit null: it means "pop", so it can never be pushed nor have a route', [], FIX);
    if (reserved.length) {
      const l = reserved[0]!;
      const name = l === 0 ? ' (IPv4 explicit null)' : l === 2 ? ' (IPv6 explicit null)' : l === 1 ? ' (router alert)' : '';
      return verdict('confirmed', `label ${l}${name} is reserved: labels 0-15 are (RFC 3032)`, [], FIX);
    }
    if (labels.length) return verdict('ruled_out', `the labels (${labels.join(', ')}) are 16 or above`);
    return verdict('unknown', 'no label in the command to check');
  },
});
