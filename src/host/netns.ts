import { splitFrames } from './frames.js';
import type { Background, ExecOptions, ExecResult, FileRead, Host, StartOptions } from './host.js';
import { readLocal } from './local.js';
import { execLocal, startLocal } from './spawn.js';

/** Paths whose content depends on the reader's network namespace. */
const NETNS_SCOPED = /^\/(proc\/sys\/net\/|proc\/net\/|proc\/self\/net\/|sys\/class\/net\/|sys\/devices\/virtual\/net\/)/;

/**
 * A fixed script, never built from input: paths arrive as positional arguments.
 * Each file is framed by a header line `NONCE ok|err INDEX`; the nonce is random per call
 * so no file content can forge a frame.
 */
export const READ_FILES_SCRIPT =
  'n=$1; shift; i=0; for f do ' +
  'if [ -r "$f" ]; then printf "\\n%s ok %d\\n" "$n" "$i"; cat -- "$f" 2>/dev/null || printf "\\n%s err %d EIO\\n" "$n" "$i"; ' +
  'elif [ -e "$f" ]; then printf "\\n%s err %d EACCES\\n" "$n" "$i"; ' +
  'else printf "\\n%s err %d ENOENT\\n" "$n" "$i"; fi; i=$((i+1)); done';

/** Splits the output of READ_FILES_SCRIPT back into one FileRead per path. */
export function parseFramedFiles(out: string, nonce: string, paths: readonly string[]): FileRead[] {
  const result: FileRead[] = paths.map((path) => ({ path, ok: false, error: 'ENOENT' }));
  for (const frame of splitFrames(out, nonce)) {
    const head = frame.head.split(' ');
    const index = Number(head[1]);
    const path = paths[index];
    if (path !== undefined) {
      result[index] = head[0] === 'ok' ? { path, ok: true, data: Buffer.from(frame.data, 'utf8') } : { path, ok: false, error: head[2] ?? 'EIO' };
    }
  }
  return result;
}

/** A network namespace on this machine (`ip netns`): commands and net-scoped reads run inside it. */
export class NetnsHost implements Host {
  readonly name: string;

  constructor(readonly netns: string) {
    this.name = `netns:${netns}`;
  }

  exec(file: string, args: readonly string[], opts?: ExecOptions): Promise<ExecResult> {
    return execLocal('ip', ['netns', 'exec', this.netns, file, ...args], opts);
  }

  async readFiles(paths: readonly string[]): Promise<FileRead[]> {
    const inside = paths.filter((p) => NETNS_SCOPED.test(p));
    const [local, scoped] = await Promise.all([
      Promise.all(paths.filter((p) => !NETNS_SCOPED.test(p)).map((p) => readLocal(p))),
      inside.length ? this.readScoped(inside) : Promise.resolve([]),
    ]);
    const byPath = new Map([...local, ...scoped].map((r) => [r.path, r]));
    return paths.map((p) => byPath.get(p)!);
  }

  private async readScoped(paths: readonly string[]): Promise<FileRead[]> {
    const { randomBytes } = process.getBuiltinModule('node:crypto');
    const nonce = `@mplsgre-${randomBytes(8).toString('hex')}`;
    const r = await this.exec('sh', ['-c', READ_FILES_SCRIPT, 'sh', nonce, ...paths], { timeoutMs: 5_000 });
    if (r.failed) return paths.map((path) => ({ path, ok: false, error: r.spawnError ?? `netns ${this.netns}: ${r.stderr.trim() || 'read failed'}` }));
    return parseFramedFiles(r.stdout, nonce, paths);
  }

  start(file: string, args: readonly string[], opts: StartOptions): Background {
    return startLocal('ip', ['netns', 'exec', this.netns, file, ...args], opts);
  }
}
