import { displayCommand } from '../../diagnose/transcript.js';
import type { Subject } from '../types.js';
import { inNs } from './evidence.js';

/** The failing command with `add` turned into `replace`. */
export function replaceFix(s: Subject): string | undefined {
  const c = s.command;
  if (!c || c.verb !== 'add') return undefined;
  const argv = [...c.argv];
  const at = argv.findIndex((w, i) => i > 0 && 'add'.startsWith(w) && w.length > 0 && ['route', 'ro', 'r', 'rou', 'rout'].includes(argv[i - 1] ?? ''));
  if (at === -1) return undefined;
  argv[at] = 'replace';
  return inNs(s, [displayCommand(argv)]) + '   # replaces the existing route';
}
