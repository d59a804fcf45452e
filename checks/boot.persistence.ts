import { defineCheck, type Evidence } from '../src/core/check.js';
import { bootFacts, type BootFacts } from '../src/probes/boot.js';

/** `net.mpls.conf.IF.input` (or the slash form) set in a sysctl file: the trap of systemd issue 35487. */
const PER_IFACE = /^\s*-?\s*net[./]mpls[./]conf[./]([^\s=]+?)[./]input\s*=/;
const PLATFORM = /^\s*-?\s*net[./]mpls[./]platform_labels\s*=\s*(\d+)/;

const lines = (text: string | undefined): string[] => (text ?? '').split('\n');
const listed = (text: string | undefined): Set<string> => new Set(lines(text).map((l) => l.replace(/#.*/, '').trim().split(/\s+/)[0]!.replace(/-/g, '_')).filter(Boolean));

export default defineCheck<BootFacts>({
  id: 'boot.persistence',
  title: 'What this host\'s MPLS over GRE set-up keeps after a reboot',
  severity: 'warning',
  remediation: 'mplsgre install FILE --host NAME: a systemd unit runs up for this end at every boot, after the underlay (modules in /etc/modules-load.d, per-interface sysctls set by up after the device exists, never in /etc/sysctl.d)',
  collect: (ctx) => bootFacts(ctx),
  evaluate(f) {
    const evidence: Evidence[] = [];
    const problems: string[] = [];
    const fixes: string[] = [];

    // Per-interface MPLS sysctls in sysctl files are applied before the interface exists.
    for (const file of f.sysctlFiles) {
      lines(file.text).forEach((line, i) => {
        const m = PER_IFACE.exec(line);
        if (!m || m[1] === 'all' || m[1] === 'default') return;
        evidence.push({ source: `${file.path}:${i + 1}`, value: line.trim() });
        problems.push(`${file.path}:${i + 1} sets net.mpls.conf.${m[1]}.input, applied at boot before ${m[1]} exists and lost (systemd issue 35487)`);
        fixes.push(`remove line ${i + 1} of ${file.path}; mplsgre up sets net.mpls.conf.${m[1]}.input after creating ${m[1]} (mplsgre install runs it at boot)`);
      });
    }

    const installed = f.tunnels.filter((t) => t.manifest.text !== undefined && t.unit.text !== undefined);
    for (const t of f.tunnels) {
      evidence.push({ source: t.manifest.path, value: t.manifest.text === undefined ? (t.manifest.error ?? 'absent') : 'present' });
      evidence.push({ source: t.unit.path, value: t.unit.text === undefined ? (t.unit.error ?? 'absent') : 'present' });
      if (t.manifest.text === undefined || t.unit.text === undefined) {
        problems.push(`tunnel ${t.name} (host ${t.host}, set up by mplsgre up) has no boot unit: it is gone after a reboot`);
        fixes.push(`mplsgre install FILE --host ${t.host}`);
      }
    }

    // Modules loaded now must be listed to load at boot (an installed unit lists its own).
    const lists = [...f.moduleLists, ...installed.map((t) => t.modules)];
    const atBoot = new Set(lists.flatMap((l) => [...listed(l.text)]));
    const platformNow = /^\d+$/.test(f.platformLabels.text?.trim() ?? '') ? Number(f.platformLabels.text!.trim()) : 0;
    const perIfaceFound = problems.length > 0;
    const configured = f.tunnels.length > 0 || platformNow > 0 || perIfaceFound;
    if (!configured) {
      return { status: 'skip', summary: 'nothing configured for MPLS over GRE here (no tunnel recorded by up, net.mpls.platform_labels 0 or absent)', evidence: [{ source: f.platformLabels.path, value: f.platformLabels.text?.trim() ?? f.platformLabels.error ?? 'absent' }] };
    }
    const notListed = Object.entries(f.loaded).filter(([m, s]) => s === 'loaded' && !atBoot.has(m)).map(([m]) => m);
    for (const l of lists) evidence.push({ source: l.path, value: l.text === undefined ? (l.error ?? 'absent') : [...listed(l.text)].join(' ') || 'no modules' });
    if (notListed.length) {
      problems.push(`module${notListed.length > 1 ? 's' : ''} ${notListed.join(', ')} loaded now but listed nowhere to load at boot`);
      fixes.push(`printf '%s\\n' ${notListed.join(' ')} > /etc/modules-load.d/mplsgre.conf (or mplsgre install FILE --host NAME)`);
    }

    // platform_labels: set at boot by an installed unit's up, or by a sysctl file (initial namespace only).
    evidence.push({ source: f.platformLabels.path, value: f.platformLabels.text?.trim() ?? f.platformLabels.error ?? 'absent' });
    const inFile = f.sysctlFiles.flatMap((s) => lines(s.text).filter((l) => PLATFORM.test(l)).map(() => s.path));
    const byUnit = installed.length > 0 && installed.length === f.tunnels.length;
    if (platformNow > 0 && !byUnit && (inFile.length === 0 || f.target.startsWith('netns:'))) {
      problems.push(`net.mpls.platform_labels is ${platformNow} at runtime only${inFile.length ? ` (${inFile[0]} sets it in the initial namespace, not in ${f.target})` : ''}: 0 after a reboot, and no label route can be added`);
      fixes.push(f.target.startsWith('netns:') ? 'mplsgre install FILE --host NAME (its up sets it inside the namespace at boot)' : `echo net.mpls.platform_labels=${platformNow} > /etc/sysctl.d/90-mpls.conf with mpls_router in /etc/modules-load.d (or mplsgre install FILE --host NAME)`);
    }

    if (problems.length) return { status: 'warn', summary: `lost at reboot: ${problems.join('; ')}`, evidence, remediation: fixes.join('; ') };
    const what = installed.map((t) => `${t.name} (host ${t.host}) by ${t.unit.path.split('/').pop()}`).join(', ');
    return {
      status: 'pass',
      summary: `${what || 'no tunnel recorded'}${what ? ' at every boot' : ''}; modules listed to load${platformNow ? `; platform_labels ${platformNow} ${byUnit ? "set by the unit's up" : `from ${inFile[0]}`}` : ''}`,
      evidence,
    };
  },
});
