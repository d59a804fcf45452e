/** The result of one external command. Failures are data, never exceptions. */
export interface ExecResult {
  /** argv as run, for evidence and error messages. */
  readonly argv: readonly string[];
  /** null when the process was killed by a signal or could not start. */
  readonly exitCode: number | null;
  readonly signal: string | null;
  readonly stdout: string;
  readonly stderr: string;
  /** true when exitCode !== 0, it timed out, was killed, or could not start. */
  readonly failed: boolean;
  readonly timedOut: boolean;
  /** set when the file could not be run at all (ENOENT, EACCES). */
  readonly spawnError?: string;
  readonly durationMs: number;
  /** Answered from the tool cache: the binary that printed it then, unchanged since, and when. */
  readonly cached?: { readonly path: string; readonly at: string };
}

export interface ExecOptions {
  /** Every external command has a timeout; the default is 10 s. */
  readonly timeoutMs?: number;
  readonly input?: string;
  /**
   * The output depends only on the binary (a version query): a host may answer from what the
   * same binary printed before (LocalHost's tool cache). The result then carries `cached`.
   */
  readonly cacheable?: boolean;
  readonly env?: Readonly<Record<string, string>>;
  /** Aborting stops the command (SIGTERM); where the transport cannot, it runs to its timeout. */
  readonly signal?: AbortSignal;
}

/** How long a read may take where reading is a remote command (ssh); other transports read at once. */
export interface ReadOptions {
  /** Default 10 s. A large file (a capture) over a slow link needs more. */
  readonly timeoutMs?: number;
}

/** One file read. `error` is the errno code (ENOENT, EACCES, ...) when `ok` is false. */
export type FileRead =
  | { readonly path: string; readonly ok: true; readonly data: Buffer }
  | { readonly path: string; readonly ok: false; readonly error: string };

export interface StartOptions {
  readonly env?: Readonly<Record<string, string>>;
  /** Hard bound on the process' life; it is killed after this. */
  readonly timeoutMs: number;
}

/** A process running in the background (tcpdump, ping). */
export interface Background {
  readonly argv: readonly string[];
  readonly pid: number | undefined;
  /** Resolves with the first stdout/stderr line matching `re`, rejects on exit or after `timeoutMs`. */
  waitForLine(re: RegExp, timeoutMs: number): Promise<string>;
  /** Sends `signal` (default SIGTERM) and resolves when the process has exited. */
  stop(signal?: NodeJS.Signals): Promise<ExecResult>;
  /** Resolves when the process exits by itself. */
  readonly done: Promise<ExecResult>;
}

/**
 * The only seam through which mplsgre touches a machine. Implementations: local, netns,
 * replay (recorded fixtures), recording; ssh and user-mode Linux build on the same contract.
 * `/proc/sys/net`, `/proc/net` and `/sys/class/net` are per network namespace: a host bound
 * to a namespace must read them inside it.
 */
export interface Host {
  /** Human name for reports: "local", "netns:A", "ssh:root@b". */
  readonly name: string;
  /** Set when the host's files are not this machine's (ssh): what it writes is read back with readFiles. */
  readonly remote?: boolean;
  exec(file: string, args: readonly string[], opts?: ExecOptions): Promise<ExecResult>;
  /** Reads files in one batch where the transport allows; never throws for a missing file. */
  readFiles(paths: readonly string[], opts?: ReadOptions): Promise<FileRead[]>;
  start(file: string, args: readonly string[], opts: StartOptions): Background;
  /**
   * Answers a whole read plan in one round trip where each command is costly (ssh: every remote
   * command runs the login shell). Undefined when the batch could not run: ask one by one then.
   */
  batch?(plan: ReadPlan): Promise<BatchAnswers | undefined>;
}

/** Stands for the kernel release (/proc/sys/kernel/osrelease) in a planned path. */
export const RELEASE_TOKEN = '@RELEASE@';

/**
 * What a run will read, known before it starts: files (a path may hold RELEASE_TOKEN once),
 * commands of one argument (version queries), and kernel modules whose file (found through
 * the release's modules.dep) is only tested for readability.
 */
export interface ReadPlan {
  readonly files: readonly string[];
  readonly commands: readonly { readonly file: string; readonly args: readonly [string]; readonly timeoutMs: number }[];
  readonly modules: readonly string[];
}

/** A plan's answers, under the paths as resolved (the release filled in). */
export interface BatchAnswers {
  readonly files: readonly FileRead[];
  readonly commands: readonly { readonly file: string; readonly args: readonly string[]; readonly result: ExecResult }[];
  /** Module files found in modules.dep, with whether they are readable (`data` left empty). */
  readonly readable: readonly FileRead[];
}

export const DEFAULT_TIMEOUT_MS = 10_000;

export async function readText(host: Host, path: string): Promise<string | undefined> {
  const [r] = await host.readFiles([path]);
  return r && r.ok ? r.data.toString('utf8') : undefined;
}
