/**
 * What the `media-sync` process does on its way out: a closed pipe (`… | head -1`) ends it
 * quietly with code 0, and Ctrl-C during the demo still removes its temporary files.
 */
const cleanups = new Set<() => void>();

/** Runs `cleanup` (synchronous: the process is about to exit) if the process ends early; returns the undo. */
export function onEarlyExit(cleanup: () => void): () => void {
  cleanups.add(cleanup);
  return () => {
    cleanups.delete(cleanup);
  };
}

/** Runs the registered cleanups, then exits with `code`. */
export function exitNow(code: number): never {
  for (const cleanup of [...cleanups].reverse()) {
    try {
      cleanup();
    } catch {
      // Best effort: the process is exiting either way.
    }
  }
  cleanups.clear();
  process.exit(code);
}

/** Installed by the executable (not by `run`, which tests call in-process). */
export function installProcessHandlers(): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      // The reader went away: nothing more can be said to it, and that is not a failure.
      if (error.code === 'EPIPE') exitNow(0);
      throw error;
    });
  }
}

/** While `work` runs, Ctrl-C and SIGTERM run the cleanups and exit 130 / 143 (128 + signal). */
export async function exitCleanlyOnSignals<T>(work: () => Promise<T>): Promise<T> {
  const onInt = () => exitNow(130);
  const onTerm = () => exitNow(143);
  process.once('SIGINT', onInt);
  process.once('SIGTERM', onTerm);
  try {
    return await work();
  } finally {
    process.off('SIGINT', onInt);
    process.off('SIGTERM', onTerm);
  }
}
