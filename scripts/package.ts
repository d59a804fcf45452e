/**
 * `npm run package`: the single executable dist/sea/mplsgre, for hosts without Node. Node 20's
 * single-executable applications: sea-config.json names the bundle (dist/bundle/main.cjs, with
 * V8's code cache compiled in) and the package files the CLI reads at run time; the blob goes
 * into a copy of this Node binary with postject. Run `npm run build` first.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

/** Node's fuse for single executables: postject flips it so the binary runs its blob. */
export const SEA_FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';

interface SeaConfig {
  readonly main: string;
  readonly output: string;
}

/** Builds the executable from the bundle in `root`/dist/bundle; returns its path. */
export async function buildSea(root: string, log: (line: string) => void = () => {}): Promise<string> {
  const config = JSON.parse(readFileSync(join(root, 'sea-config.json'), 'utf8')) as SeaConfig;
  if (!existsSync(join(root, config.main))) throw new Error(`${config.main} is missing: run npm run build first`);
  const outDir = join(root, 'dist', 'sea');
  mkdirSync(outDir, { recursive: true });
  const blob = spawnSync(process.execPath, ['--experimental-sea-config', 'sea-config.json'], { cwd: root, encoding: 'utf8', timeout: 120_000 });
  if (blob.status !== 0) throw new Error(`node --experimental-sea-config failed: ${blob.stderr || blob.error?.message}`);
  const exe = join(outDir, 'mplsgre');
  const tmp = `${exe}.${process.pid}.tmp`;
  try {
    copyFileSync(process.execPath, tmp);
    chmodSync(tmp, 0o755);
    // postject is CommonJS without types: its API is inject(file, name, data, options).
    const { inject } = createRequire(import.meta.url)('postject') as {
      inject: (file: string, name: string, data: Buffer, opts: { sentinelFuse: string; overwrite?: boolean }) => Promise<void>;
    };
    const quiet = console.log;
    console.log = () => {}; // postject narrates every step on stdout
    try {
      await inject(tmp, 'NODE_SEA_BLOB', readFileSync(join(root, config.output)), { sentinelFuse: SEA_FUSE });
    } finally {
      console.log = quiet;
    }
    renameSync(tmp, exe);
  } finally {
    rmSync(tmp, { force: true });
    rmSync(join(root, config.output), { force: true });
  }
  log(`${exe}: ${(statSync(exe).size / 1e6).toFixed(1)} MB (Node ${process.version} and the bundle)`);
  return exe;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await buildSea(process.cwd(), (line) => console.log(line));
}
