import { defineCheck } from '../src/core/check.js';
import { CAP_NET_ADMIN, CAP_NET_RAW, hasCap, privileges, type PrivilegeFacts } from '../src/probes/tools.js';

export default defineCheck<PrivilegeFacts>({
  id: 'host.privileges',
  title: 'Privileges to configure (CAP_NET_ADMIN)',
  severity: 'warning',
  remediation: 'run mplsgre up, down and verify as root (or with CAP_NET_ADMIN and CAP_NET_RAW); check itself needs neither',
  collect: (ctx) => privileges(ctx),
  evaluate(f) {
    if (f.capEff === undefined) return { status: 'error', summary: 'capabilities unreadable', evidence: [{ source: f.source, value: 'no CapEff' }] };
    const evidence = [{ source: f.source, value: `CapEff ${f.capEff.toString(16).padStart(16, '0')}, uid ${f.uid ?? '?'}` }];
    const admin = hasCap(f.capEff, CAP_NET_ADMIN);
    const raw = hasCap(f.capEff, CAP_NET_RAW);
    if (admin && raw) return { status: 'pass', summary: 'CAP_NET_ADMIN and CAP_NET_RAW held: can configure and capture', evidence };
    const missing = [admin ? '' : 'CAP_NET_ADMIN', raw ? '' : 'CAP_NET_RAW'].filter(Boolean).join(' and ');
    return { status: 'warn', summary: `${missing} not held: this run can check but not configure or capture`, evidence };
  },
});
