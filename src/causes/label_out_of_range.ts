import { verdict } from './lib/evidence.js';
import { labelValue } from './lib/labels.js';
import { defineCause } from './types.js';

const FIX = 'use a label from 16 to 1048574';

export default defineCause({
  id: 'label_out_of_range',
  title: 'an MPLS label is a 20-bit number: 0 to 1048575',
  fix: FIX,
  reads: [],
  assess({ subject: s }) {
    for (const text of s.labels) {
      const n = labelValue(text);
      if (n === undefined) return verdict('confirmed', `"${text}" is not a label: labels are whole numbers (decimal or 0x hex)`, [], FIX);
      if (n > 1_048_575) return verdict('confirmed', `${text} is above 1048575: MPLS labels are 20 bits`, [], FIX);
    }
    if (s.labels.length) return verdict('ruled_out', `the labels (${s.labels.join(', ')}) fit in 20 bits`);
    return verdict('unknown', 'no label in the command to check');
  },
});
