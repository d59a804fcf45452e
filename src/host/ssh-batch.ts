import { splitFrames } from './frames.js';
import type { BatchAnswers, ExecResult, FileRead, ReadPlan } from './host.js';
import { RELEASE_TOKEN } from './host.js';

/**
 * One remote command for a whole read plan (the idea of Ansible's pipelining): every command
 * over ssh runs the remote login shell, whose ~/.bashrc may cost far more than the read itself.
 * Fixed, never built from input: the nonce and the items arrive as positional arguments,
 * `f PATH` (read, encoded as READ_FILES_ENCODED_SCRIPT does), `x SECONDS FILE ARG` (run, bounded
 * by `timeout` where the remote has it, as REMOTE_TIMEOUT_SCRIPT does),
 * `t PATH` (a small text file of /sys, copied by the shell's own `read`: no process per file; a
 * last line without its newline stays so; not /proc/sys, whose numbers read as empty past offset 0), `m PATTERN` (a module's
 * name with `[-_]` for each - or _: the file the release's modules.dep names for it, on the last
 * line naming it as parseModulePaths takes, tested for readability). A path's @RELEASE@ becomes /proc/sys/kernel/osrelease.
 * Frames: `NONCE rel` (the release), `ok|err I`, `tok I` (raw text), `xo I` (stdout), `xc I CODE`, `xe I` (stderr),
 * `mod I ok|EACCES|ENOENT|none` (then the path).
 */
export const BATCH_SCRIPT =
  'n=$1; shift; i=0; ' +
  'if command -v base64 >/dev/null 2>&1; then e=b; else e=o; fi; ' +
  'if command -v timeout >/dev/null 2>&1; then w=y; else w=n; fi; ' +
  'r=; read -r r 2>/dev/null </proc/sys/kernel/osrelease; nl="\n"; printf "\\n%s rel\\n%s" "$n" "$r"; ' +
  'while [ $# -gt 0 ]; do case $1 in ' +
  'f) f=$2; shift 2; case $f in *@RELEASE@*) f="${f%%@RELEASE@*}$r${f#*@RELEASE@}";; esac; ' +
  'if [ -r "$f" ]; then printf "\\n%s ok %d\\n" "$n" "$i"; ' +
  'if [ $e = b ]; then base64 <"$f" 2>/dev/null; else od -An -v -tx1 <"$f" 2>/dev/null; fi || printf "\\n%s err %d EIO\\n" "$n" "$i"; ' +
  'elif [ -e "$f" ]; then printf "\\n%s err %d EACCES\\n" "$n" "$i"; ' +
  'else printf "\\n%s err %d ENOENT\\n" "$n" "$i"; fi;; ' +
  't) f=$2; shift 2; if [ -r "$f" ]; then printf "\\n%s tok %d\\n" "$n" "$i"; ' +
  'l=; while IFS= read -r l; do printf "%s\\n" "$l"; done <"$f"; printf "%s" "$l"; ' +
  'elif [ -e "$f" ]; then printf "\\n%s err %d EACCES\\n" "$n" "$i"; ' +
  'else printf "\\n%s err %d ENOENT\\n" "$n" "$i"; fi;; ' +
  'x) t=$2; c=$3; a=$4; shift 4; printf "\\n%s xo %d\\n" "$n" "$i"; ' +
  '{ o=$( { if [ $w = y ]; then timeout -k 2 "$t" "$c" "$a"; else "$c" "$a"; fi </dev/null >&3; ' +
  'printf "\\n%s xc %d %d\\n" "$n" "$i" "$?" >&3; } 2>&1; printf x); printf "\\n%s xe %d\\n%s" "$n" "$i" "${o%x}"; } 3>&1;; ' +
  'm) d=/lib/modules/$r; l=$(grep -E "^([^:]*/)?$2\\.ko(\\.(xz|gz|zst))?:" "$d/modules.dep" 2>/dev/null); shift 2; ' +
  'l=${l##*"$nl"}; l=${l%%:*}; ' +
  'if [ -z "$l" ]; then printf "\\n%s mod %d none\\n" "$n" "$i"; else ' +
  'case $l in /*) ;; *) l=$d/$l;; esac; ' +
  'if [ -r "$l" ]; then s=ok; elif [ -e "$l" ]; then s=EACCES; else s=ENOENT; fi; ' +
  'printf "\\n%s mod %d %s\\n%s" "$n" "$i" "$s" "$l"; fi;; ' +
  '*) exit 2;; esac; i=$((i+1)); done';

const MODULE_NAME = /^[A-Za-z0-9_-]+$/;

/** Small text files, read by the shell itself (`t` items); everything else is encoded (`f`). */
const SHELL_TEXT = /^\/sys\//;

/** The script's positional arguments after the nonce, one item per file, command and module, in that order. */
export function batchArgs(plan: ReadPlan): string[] {
  for (const m of plan.modules) if (!MODULE_NAME.test(m)) throw new Error(`module name ${JSON.stringify(m)} is not [A-Za-z0-9_-]+`);
  for (const f of plan.files) if (f.split(RELEASE_TOKEN).length > 2) throw new Error(`${f}: ${RELEASE_TOKEN} more than once`);
  return [
    ...plan.files.flatMap((f) => [SHELL_TEXT.test(f) && !f.includes(RELEASE_TOKEN) ? 't' : 'f', f]),
    ...plan.commands.flatMap((c) => ['x', String(Math.max(1, Math.ceil(c.timeoutMs / 1000))), c.file, c.args[0]]),
    ...plan.modules.flatMap((m) => ['m', m.replace(/[-_]/g, '[-_]')]),
  ];
}

/** Base64 (no spaces) or od hex (spaces between bytes) back to bytes. */
export function decodeEncoded(text: string): Buffer {
  if (/[ ]/.test(text)) return Buffer.from(text.replace(/\s+/g, ''), 'hex');
  return Buffer.from(text, 'base64');
}

/** What BATCH_SCRIPT printed, back into answers. `resultFor` gives a command's ExecResult its argv and duration. */
export function parseBatch(
  out: string,
  nonce: string,
  plan: ReadPlan,
  resultFor: (file: string, args: readonly string[], timeoutMs: number, r: { exitCode: number | null; stdout: string; stderr: string }) => ExecResult,
): BatchAnswers {
  const frames = new Map<string, { head: string[]; data: string }>();
  let release = '';
  for (const frame of splitFrames(out, nonce)) {
    const head = frame.head.split(' ');
    if (head[0] === 'rel') release = frame.data;
    else frames.set(`${head[0] === 'ok' || head[0] === 'err' || head[0] === 'tok' ? 'f' : head[0]} ${head[1]}`, { head, data: frame.data });
  }
  const resolve = (p: string): string => p.replace(RELEASE_TOKEN, release);
  const nf = plan.files.length;
  const nc = plan.commands.length;
  const files: FileRead[] = [];
  plan.files.forEach((p, i) => {
    const f = frames.get(`f ${i}`);
    const path = resolve(p);
    // A templated path means nothing without a release: the reader asks no such path then.
    if (!f || (p.includes(RELEASE_TOKEN) && release === '')) return;
    if (f.head[0] === 'tok') files.push({ path, ok: true, data: Buffer.from(f.data, 'utf8') });
    else files.push(f.head[0] === 'ok' ? { path, ok: true, data: decodeEncoded(f.data) } : { path, ok: false, error: f.head[2] ?? 'EIO' });
  });
  const commands: BatchAnswers['commands'][number][] = [];
  plan.commands.forEach((c, j) => {
    const i = nf + j;
    const code = frames.get(`xc ${i}`)?.head[2];
    const stdout = frames.get(`xo ${i}`)?.data;
    const stderr = frames.get(`xe ${i}`)?.data;
    if (code === undefined || stdout === undefined || stderr === undefined) return;
    commands.push({ file: c.file, args: c.args, result: resultFor(c.file, c.args, c.timeoutMs, { exitCode: Number(code), stdout, stderr }) });
  });
  const readable: FileRead[] = [];
  plan.modules.forEach((_m, k) => {
    const f = frames.get(`mod ${nf + nc + k}`);
    const state = f?.head[2];
    if (!f || state === undefined || state === 'none' || f.data === '') return;
    readable.push(state === 'ok' ? { path: f.data, ok: true, data: Buffer.alloc(0) } : { path: f.data, ok: false, error: state });
  });
  return { files, commands, readable };
}
