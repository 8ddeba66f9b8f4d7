/**
 * Exit codes, the same for every command (SPEC §10; README "Exit codes"):
 * 0 success, 1 usage or input error, 2 a transient failure worth retrying, 3 auth refused.
 */
export const EXIT = { OK: 0, USAGE: 1, TRANSIENT: 2, AUTH: 3 } as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export type CliErrorCode =
  /** A flag, argument or environment variable is missing or malformed. */
  | 'USAGE'
  /** An input file cannot be read or holds something else than expected. */
  | 'BAD_INPUT'
  /** An output path cannot be written, or would mix with what is there. */
  | 'BAD_OUTPUT'
  /** The token does not fit the queue (another device or user), or is malformed. */
  | 'TOKEN_MISMATCH'
  /** The gateway refused the token, or the token has expired. */
  | 'UNAUTHORIZED'
  /** The gateway could not be reached (DNS, refused, TLS, timeout) or is busy: try again later. */
  | 'UNREACHABLE'
  /** A replay ended without sending everything, or dead-lettered ops. */
  | 'REPLAY_INCOMPLETE';

/** A failure the CLI reports as one line and an exit code. */
export class CliError extends Error {
  override readonly name = 'CliError';
  readonly code: CliErrorCode;
  readonly exitCode: ExitCode;

  constructor(code: CliErrorCode, message: string, options?: { cause?: unknown; exitCode?: ExitCode }) {
    super(message, options);
    this.code = code;
    this.exitCode = options?.exitCode ?? EXIT_OF_CODE[code];
  }
}

const EXIT_OF_CODE: Record<CliErrorCode, ExitCode> = {
  USAGE: EXIT.USAGE,
  BAD_INPUT: EXIT.USAGE,
  BAD_OUTPUT: EXIT.USAGE,
  TOKEN_MISMATCH: EXIT.USAGE,
  UNAUTHORIZED: EXIT.AUTH,
  UNREACHABLE: EXIT.TRANSIENT,
  REPLAY_INCOMPLETE: EXIT.USAGE,
};

/** Publisher and storage failures that are worth retrying as they are. */
const TRANSIENT_CODES = new Set([
  'TIMEOUT',
  'UNAVAILABLE',
  'DISCONNECTED',
  'BUSY',
  'ABORTED',
  'FANOUT_UNAVAILABLE',
  // The gateway's store server could not be reached at start.
  'STORE_UNREACHABLE',
]);

/** The exit code for any error a command can end with. */
export function exitCodeOf(error: unknown): ExitCode {
  if (error instanceof CliError) return error.exitCode;
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 'UNAUTHORIZED') return EXIT.AUTH;
  if (typeof code === 'string' && TRANSIENT_CODES.has(code)) return EXIT.TRANSIENT;
  return EXIT.USAGE;
}

const FS_PROBLEMS: Record<string, string> = {
  ENOENT: 'no such file or directory',
  EISDIR: 'is a directory, not a file',
  ENOTDIR: 'a part of the path is not a directory',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EEXIST: 'already exists',
  ENOSPC: 'no space left on the device',
  EROFS: 'the file system is read-only',
  EMFILE: 'too many open files',
};

/**
 * A file-system error of any command in words: `cannot open /x/t.jsonl: no such file or
 * directory` instead of `ENOENT: no such file or directory, open '/x/t.jsonl'`.
 */
export function describeSystemError(error: unknown): string | undefined {
  const { code, path, syscall } = (error ?? {}) as NodeJS.ErrnoException;
  if (typeof code !== 'string' || typeof path !== 'string') return undefined;
  const problem = FS_PROBLEMS[code];
  if (problem === undefined) return undefined;
  const action = syscall === 'mkdir' ? 'create folder' : syscall === 'scandir' ? 'read folder' : 'open';
  return `cannot ${action} ${path}: ${problem}`;
}

/** `cannot read trace t.jsonl: no such file or directory` instead of a bare `ENOENT`. */
export function fileError(action: string, path: string, error: unknown, code: CliErrorCode = 'BAD_INPUT'): CliError {
  const errno = (error as NodeJS.ErrnoException | null)?.code;
  const problem =
    (errno && FS_PROBLEMS[errno]) ?? (error instanceof Error ? error.message : String(error)) ?? 'unknown error';
  return new CliError(code, `cannot ${action} ${path}: ${problem}`, { cause: error });
}
