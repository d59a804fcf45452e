import { labelValue } from '../../diagnose/command-line.js';
import type { Subject } from '../types.js';

/** The labels the finding is about, as numbers (the route's own label first). */
export const labelsOf = (s: Subject): number[] => s.labels.map(labelValue).filter((n): n is number => n !== undefined);

/** The labels this host must route: those named, else the tunnel's (--labels). */
export const routedLabels = (s: Subject): number[] => {
  if (s.command?.kind === 'mpls-route') return labelsOf(s).slice(0, 1);
  const named = labelsOf(s);
  return named.length ? named : [...s.givenLabels];
};

export { labelValue };
