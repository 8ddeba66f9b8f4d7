import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SyncOperation } from '@media-sync/protocol';
import { createQueue } from '@media-sync/queue';
import { createSqliteStorage } from '@media-sync/storage-sqlite';
import { afterEach, vi } from 'vitest';
import { run } from '../src/main.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  vi.restoreAllMocks();
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Runs `cleanup` after the current test. */
export function later(cleanup: () => Promise<void> | void): void {
  cleanups.push(cleanup);
}

/** A temp dir removed after the test. */
export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'media-sync-cli-'));
  later(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the CLI in-process, capturing what it writes; `env` is set for the run only. */
export async function cli(args: readonly string[], env: Record<string, string> = {}): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout += String(chunk);
    return true;
  });
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  });
  const saved = Object.fromEntries(Object.keys(env).map((key) => [key, process.env[key]]));
  Object.assign(process.env, env);
  try {
    const code = await run(['node', 'media-sync', ...args]);
    return { code, stdout, stderr };
  } finally {
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
    out.mockRestore();
    err.mockRestore();
  }
}

export const CLI_SCRIPT = fileURLToPath(new URL('./fixtures/cli.ts', import.meta.url));

/** The CLI from source in a child process (for pipes, signals and `serve`). */
export function spawnCli(args: readonly string[], options: { cwd?: string } = {}): ChildProcessWithoutNullStreams {
  const child = spawn(process.execPath, ['--conditions=@media-sync/source', '--import', 'tsx', CLI_SCRIPT, ...args], {
    stdio: 'pipe',
    ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
  });
  later(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  return child;
}

/** Resolves with the exit code (or 128 + signal number) and everything the child wrote. */
export function finished(child: ChildProcessWithoutNullStreams): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  return new Promise((resolve) => {
    child.once('close', (code, signal) => resolve({ code: code ?? (signal === 'SIGINT' ? 130 : 128), stdout, stderr }));
  });
}

export const USER = 'user-1';

export const watchlistOps = (count: number, userId = USER): SyncOperation[] =>
  Array.from({ length: count }, (_, i) => ({
    type: 'watchlistAdd',
    userId,
    contentId: `tt${1000 + i}`,
    timestamp: Date.now() + i,
  }));

/** `tv.db` in a temp dir: the SQLite queue of device `tv` of `USER` with `ops` enqueued offline. */
export async function queuedDevice(ops: readonly SyncOperation[]): Promise<{ dir: string; db: string }> {
  const dir = tempDir();
  const db = join(dir, 'tv.db');
  const storage = createSqliteStorage({ path: db });
  const queue = createQueue({ deviceId: 'tv', userId: USER, storage });
  await queue.enqueueMany(ops);
  await queue.close();
  await storage.close();
  return { dir, db };
}
