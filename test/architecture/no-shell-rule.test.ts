import { RuleTester, type Rule } from 'eslint';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import tseslint from 'typescript-eslint';
import { ROOT } from '../support/fixtures.js';

// The rule is plain JS at the repository root, not compiled into dist/.
const { default: rule } = (await import(pathToFileURL(join(ROOT, 'eslint-rules', 'no-shell.js')).href)) as { default: Rule.RuleModule };

const tester = new RuleTester({
  languageOptions: { parser: tseslint.parser, ecmaVersion: 2023, sourceType: 'module' },
});

tester.run('mplsgre/no-shell', rule, {
  valid: [
    // argv arrays, no shell
    "import { spawn } from 'node:child_process'; spawn('ip', ['link', 'show', 'dev', name]);",
    "import { execFile } from 'node:child_process'; execFile('tcpdump', ['--version']);",
    "import { spawnSync } from 'node:child_process'; spawnSync(process.execPath, ['-e', '0'], { shell: false });",
    "host.exec('ip', ['-j', 'link', 'show']);",
    "this.exec('modinfo', ['mpls_router'], { timeoutMs: 5_000 });",
    "execLocal('ip', ['netns', 'exec', ns, 'sysctl', '-n', key]);",
    "import { execa } from 'execa'; await execa('ip', ['route'], { reject: false });",
    // a file name, not a command line
    "spawn('/usr/sbin/ip', []);",
    "spawn(dir + '/ip', ['link']);",
    // other spawn-ish helpers of child_process are fine
    "import { spawn, execFile, spawnSync, execFileSync } from 'node:child_process';",
    "import * as cp from 'node:child_process'; cp.spawn('ip', ['link']);",
    "import type { ExecException } from 'node:child_process';",
    // RegExp#exec takes a subject string
    "/^(\\d+) (\\d+)$/.exec('1 2');",
    "new RegExp('a b').exec('a b c');",
    // `shell` that is literally false, or not an option object
    "const opts = { shell: false };",
    "const { shell } = env;",
    "interface O { shell: boolean }",
    // sh -c with an imported constant script, inputs as positional arguments
    "import { READ_FILES_SCRIPT } from './netns.js'; execLocal('sh', ['-c', READ_FILES_SCRIPT, 'sh', nonce, ...paths]);",
    "import { READ_FILES_SCRIPT } from '../../src/host/netns.js'; execLocal('ip', ['netns', 'exec', ns, 'sh', '-c', READ_FILES_SCRIPT, 'sh', path]);",
    // sh -c with a module-level const built from literals only
    "const SCRIPT = 'for f do cat -- \"$f\"; done'; this.exec('sh', ['-c', SCRIPT, 'sh', path]);",
    "export const SCRIPT = 'a=$1; ' + 'shift; ' + `echo \"$a\"`; spawn('sh', ['-ec', SCRIPT, 'sh', x]);",
  ],
  invalid: [
    // shell option
    { code: "spawn('ip', ['link'], { shell: true });", errors: [{ messageId: 'shellOption' }] },
    { code: "spawn('ip', ['link'], { shell: '/bin/bash' });", errors: [{ messageId: 'shellOption' }] },
    { code: "const shell = true; spawn('ip', [], { shell });", errors: [{ messageId: 'shellOption' }] },
    { code: "execa('ip', ['link'], { 'shell': useShell });", errors: [{ messageId: 'shellOption' }] },
    // exec / execSync from child_process, however they arrive
    { code: "import { exec } from 'node:child_process';", errors: [{ messageId: 'execImport' }] },
    { code: "import { execSync as run } from 'child_process';", errors: [{ messageId: 'execImport' }] },
    { code: "import * as cp from 'node:child_process'; cp.exec('ip link', cb);", errors: [{ messageId: 'execImport' }, { messageId: 'commandString' }] },
    { code: "import cp from 'child_process'; cp.execSync(cmd);", errors: [{ messageId: 'execImport' }] },
    { code: "const { execSync } = require('child_process');", errors: [{ messageId: 'execImport' }] },
    { code: "const { exec } = await import('node:child_process');", errors: [{ messageId: 'execImport' }] },
    // execa's string forms
    { code: "import { $ } from 'execa';", errors: [{ messageId: 'execaString' }] },
    { code: "import { execaCommand } from 'execa';", errors: [{ messageId: 'execaString' }] },
    { code: "import { execa } from 'execa'; await execa`ip link show ${dev}`;", errors: [{ messageId: 'execaTemplate' }] },
    { code: "import { execa } from 'execa'; await execa({ reject: false })`ip route`;", errors: [{ messageId: 'execaTemplate' }] },
    { code: "await $`ip link`;", errors: [{ messageId: 'execaTemplate' }] },
    // a command line in one string
    { code: "import { spawn } from 'node:child_process'; spawn('ip link show');", errors: [{ messageId: 'commandString' }] },
    { code: "execFile('tcpdump -i any', []);", errors: [{ messageId: 'commandString' }] },
    { code: "host.exec('sysctl -n net.mpls.platform_labels', []);", errors: [{ messageId: 'commandString' }] },
    { code: 'execLocal(`ip netns exec ${ns} ip link`, []);', errors: [{ messageId: 'commandString' }] },
    { code: "this.host.start('tcpdump -w out.pcap', [], opts);", errors: [{ messageId: 'commandString' }] },
    // sh -c with a script that is not a fixed constant
    { code: "spawn('sh', ['-c', 'ip link show ' + dev]);", errors: [{ messageId: 'shellScript' }] },
    { code: "execLocal('sh', ['-c', `cat ${path}`]);", errors: [{ messageId: 'shellScript' }] },
    { code: "execLocal('ip', ['netns', 'exec', ns, 'bash', '-ec', 'ip link']);", errors: [{ messageId: 'shellScript' }] },
    { code: "const argv = ['/bin/sh', '-e', '-c', script]; spawn(argv[0], argv.slice(1));", errors: [{ messageId: 'shellScript' }] },
    { code: "function f(s) { const SCRIPT = 'cat ' + s; return host.exec('sh', ['-c', SCRIPT]); }", errors: [{ messageId: 'shellScript' }] },
    { code: "let SCRIPT = 'cat'; host.exec('sh', ['-c', SCRIPT]);", errors: [{ messageId: 'shellScript' }] },
    { code: "host.exec('sh', ['-c']);", errors: [{ messageId: 'shellScript' }] },
    // the patterns the hardening campaign names, in the forms they take in practice
    { code: "spawn('ip', args, { ...opts, shell: true });", errors: [{ messageId: 'shellOption' }] },
    { code: "spawn('ip', args, { shell: process.platform === 'win32' });", errors: [{ messageId: 'shellOption' }] },
    { code: "import { execSync } from 'node:child_process'; execSync(`ip link show ${dev}`);", errors: [{ messageId: 'execImport' }] },
    { code: "import { exec } from 'child_process'; exec('ip -j link', (e, out) => out);", errors: [{ messageId: 'execImport' }, { messageId: 'commandString' }] },
    { code: "import cp from 'node:child_process'; cp.exec(`tcpdump -i ${iface}`);", errors: [{ messageId: 'execImport' }, { messageId: 'commandString' }] },
    { code: 'spawn(`ip link show ${dev}`);', errors: [{ messageId: 'commandString' }] },
    { code: "spawnSync('ip link del ' + dev);", errors: [{ messageId: 'commandString' }] },
    { code: "execFile(bin + ' -j link', []);", errors: [{ messageId: 'commandString' }] },
    { code: "spawn('sh', ['-c', `ip link show ${dev}`]);", errors: [{ messageId: 'shellScript' }] },
    { code: "spawnSync('/bin/bash', ['-c', `echo ${x} > /proc/sys/${key}`], { stdio: 'inherit' });", errors: [{ messageId: 'shellScript' }] },
    { code: "host.exec('ip', ['netns', 'exec', ns, 'sh', '-c', `sysctl -w ${key}=${value}`]);", errors: [{ messageId: 'shellScript' }] },
  ],
});
