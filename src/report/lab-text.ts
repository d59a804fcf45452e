import type { LabEvent, LabResult } from '../commands/lab.js';
import { oneLine } from './check-text.js';
import { paint, type Style } from './style.js';
import { size } from './tunnel-text.js';

type Tcp = NonNullable<Extract<LabEvent, { kind: 'direction' }>['direction']['tcp']>;

/**
 * A passing direction's bulk transfer, short: what arrived, how fast, how many segments crossed
 * labelled; or why it did not run. (A failed transfer fails the direction: its cause is the line.)
 */
function tcpBrief(t: Tcp): string {
  if (t.skipped) return `; TCP not run: ${oneLine(t.reason ?? '')}`;
  const rate = t.throughputMbps !== null ? ` at ${t.throughputMbps} Mbit/s` : '';
  return t.ok ? `; TCP ${size(t.bytes)}${rate}, digests match, ${t.segmentsInGre} segments labelled inside GRE` : '';
}

/** Whether a step went as it should (a tick) or not (a cross). */
function eventOk(e: LabEvent): boolean {
  switch (e.kind) {
    case 'up': case 'down': return e.ok;
    case 'direction': return e.direction.ok;
    case 'class': return e.class.ok;
    case 'stopped': case 'keep-ignored': return false;
    case 'cleanup': return e.leftBehind.length === 0;
    default: return true;
  }
}

function eventText(e: LabEvent): string {
  switch (e.kind) {
    case 'setup': return oneLine(e.text);
    case 'kernel': return e.where === 'host'
      ? `kernel ready (${e.release ?? '?'}: ${e.reason})`
      : `kernel ready (user-mode Linux ${e.release ?? '?'}: ${e.reason}; the guest sees its modules at /lib/modules through a mount of its own, this host's files stay as they are)`;
    case 'keep-ignored': return '--keep has no effect here: the namespaces live in the user-mode Linux guest and end with it';
    case 'namespaces': return `${e.hosts[0]}, ${e.hosts[1]} namespaces + underlay ${e.underlay[0]} <-> ${e.underlay[1]} (${e.namespaces.join(', ')})`;
    case 'up': return e.ok
      ? `up: ${e.tunnel} on ${e.hosts[0]} and ${e.hosts[1]} (${e.steps.join(' + ')} steps, ${e.changed} changed)`
      : `up failed at ${e.failure?.step ?? '?'}: ${oneLine(e.failure?.message ?? '')}; ${e.rolledBack ? `rolled back ${e.rolledBack} step(s)` : 'nothing had been changed'}`;
    case 'verify-log': return oneLine(e.text);
    case 'direction': {
      const d = e.direction;
      const rtt = d.rttMs ? `, rtt ${d.rttMs.avg} ms` : '';
      const mtu = d.mtu?.largestPayload ? `, largest ping payload ${d.mtu.largestPayload} (tunnel mtu ${d.mtu.tunnelMtu})` : '';
      const tcp = d.tcp ? tcpBrief(d.tcp) : '';
      return `verify ${d.from}->${d.to}: ${d.received}/${d.sent} replies, ${d.ok ? `label ${d.label} inside GRE on the wire${d.outerDscp ? ` with outer DSCP ${d.outerDscp.join(', ')}` : ''}${rtt}${mtu}${tcp}` : `${d.cause ?? d.stage}: ${oneLine(d.explanation)}${d.rootCause?.fix ? ` (fix: ${oneLine(d.rootCause.fix)})` : ''}`}`;
    }
    case 'class': {
      const c = e.class;
      return `verify class ${c.name} ${c.from}->${c.to} (DSCP ${c.dscp}): ${c.received}/${c.sent} replies, ${c.ok
        ? `label ${c.label}${c.tc ? ` tc ${c.tc.join(', ')}` : ''} inside GRE, outer DSCP ${c.outerDscp.join(', ')}, inner DSCP kept, replies under label ${c.replyLabel}`
        : `${c.cause ?? c.stage}: ${oneLine(c.explanation)}${c.rootCause?.fix ? ` (fix: ${oneLine(c.rootCause.fix)})` : ''}`}`;
    }
    case 'down': return e.ok ? `down: all removed, sysctls restored (${e.undone} undone)` : `down: ${e.failed.map((f) => `${f.id}: ${oneLine(f.detail)}`).join('; ')}`;
    case 'stopped': return `lab stopped: ${oneLine(e.error)}`;
    case 'kept': return `kept: namespaces ${e.namespaces.join(', ')} (ip netns delete NAME to remove)`;
    case 'cleanup': return `cleanup finished: ${e.removed.length ? `removed ${e.removed.join(', ')}` : 'nothing to remove'}${e.leftBehind.length ? `; could not remove ${e.leftBehind.map(oneLine).join('; ')}` : ''}`;
  }
}

/** One progress line of the lab, for stderr. */
export function renderLabEvent(e: LabEvent, style: Style): string {
  const ok = eventOk(e);
  return `${paint(style, ok ? 'green' : 'red', ok ? '✔' : '✖')} ${eventText(e)}`;
}

/** The lab's verdict. */
export function renderLab(r: LabResult, style: Style): string {
  const where = r.where === 'uml' ? `user-mode Linux ${r.kernel ?? ''} (${r.reason})` : `this kernel ${r.kernel ?? ''}`;
  const classes = r.verify?.classes ?? [];
  const failed = classes.filter((c) => !c.ok);
  const said = classes.length ? `; traffic classes: ${failed.length ? `${failed.length} of ${classes.length} failed (${failed.map((c) => `${c.name} ${c.from}->${c.to}`).join(', ')})` : `${classes.map((c) => `${c.name} ${c.from}->${c.to}`).join(', ')} verified`}` : '';
  return `${paint(style, r.ok ? 'green' : 'red', r.ok ? 'Lab passed' : 'Lab failed')} on ${where} in ${r.durationMs} ms${said}${r.error ? `: ${r.error}` : ''}` +
    (r.leftBehind.length ? `\nLeft behind: ${r.leftBehind.join('; ')}` : '') + '\n';
}
