import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const packageDir = fileURLToPath(new URL('..', import.meta.url));

/** Runs a TypeScript fixture in a fresh Node process, on the workspace sources (as the issue asks). */
export function spawnFixture(script: string, args: readonly string[]): ChildProcess {
  return spawn(
    process.execPath,
    ['--conditions=@media-sync/source', '--import', 'tsx', `test/fixtures/${script}`, ...args],
    { cwd: packageDir, stdio: ['pipe', 'pipe', 'pipe'] },
  );
}

/** Calls `onLine` for each stdout line; resolves with the exit code/signal, collecting stderr. */
export function watchLines(
  child: ChildProcess,
  onLine: (line: string) => void,
): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  let buffered = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8');
  child.stdout?.on('data', (chunk: string) => {
    buffered += chunk;
    let newline = buffered.indexOf('\n');
    while (newline >= 0) {
      onLine(buffered.slice(0, newline));
      buffered = buffered.slice(newline + 1);
      newline = buffered.indexOf('\n');
    }
  });
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    stderr += chunk;
  });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => resolve({ code, signal, stderr }));
  });
}
