import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SyncOperation } from '@media-sync/protocol';
import { createLoopbackPublisher, createQueue } from '@media-sync/queue';
import { createSqliteStorage } from '@media-sync/storage-sqlite';
import { startSyncServer, verifyToken } from '@media-sync/sync-server';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { run } from '../src/main.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  vi.restoreAllMocks();
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'media-sync-cli-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Runs the CLI in-process, capturing what it writes. */
async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout += String(chunk);
    return true;
  });
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  });
  try {
    const code = await run(['node', 'media-sync', ...args]);
    return { code, stdout, stderr };
  } finally {
    vi.restoreAllMocks();
  }
}

const USER = 'user-1';
const ops = (count: number): SyncOperation[] =>
  Array.from({ length: count }, (_, i) => ({
    type: 'watchlistAdd',
    userId: USER,
    contentId: `tt${1000 + i}`,
    timestamp: Date.now() + i,
  }));

/** A temp dir holding `tv.db`: the SQLite queue of device `tv` with `count` ops enqueued offline. */
async function queuedDevice(count: number): Promise<{ dir: string; db: string }> {
  const dir = tempDir();
  const db = join(dir, 'tv.db');
  const storage = createSqliteStorage({ path: db });
  const queue = createQueue({ deviceId: 'tv', userId: USER, storage, publisher: createLoopbackPublisher() });
  await queue.enqueueMany(ops(count));
  await queue.close();
  await storage.close();
  return { dir, db };
}

describe('media-sync token', () => {
  it('prints a token the gateway accepts', async () => {
    const { code, stdout } = await cli('token', '--secret', 's3cret', '--user', USER, '--device', 'tv', '--ttl', '15m');
    expect(code).toBe(0);
    const claims = verifyToken(stdout.trim(), 's3cret');
    expect(claims).toMatchObject({ userId: USER, deviceId: 'tv' });
    expect(claims.expiresAt - Date.now()).toBeGreaterThan(14 * 60_000);
  });

  it('exits 1 with one line on a bad flag', async () => {
    const { code, stderr } = await cli('token', '--secret', 's', '--user', USER, '--device', 'tv', '--ttl', 'soon');
    expect(code).toBe(1);
    expect(stderr.trim().split('\n')).toHaveLength(1);
  });
});

describe('media-sync replay', () => {
  it("drains a device's SQLite queue into the gateway and prints the report", async () => {
    const { dir, db } = await queuedDevice(25);

    const server = await startSyncServer({ secret: 's3cret', dbPath: join(dir, 'gateway.db') });
    cleanups.push(() => server.close());
    const token = (await cli('token', '--secret', 's3cret', '--user', USER, '--device', 'tv')).stdout.trim();
    const result = await cli('replay', '--db', db, '--url', server.url, '--token', token);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^published\s+25$/m);
    expect(result.stdout).toMatch(/^stopped by\s+drained$/m);
    expect(server.headOf(USER)).toBe(25);

    const again = await cli('replay', '--db', db, '--url', server.url, '--token', token);
    expect(again.stdout).toMatch(/^published\s+0$/m);
    expect(server.headOf(USER)).toBe(25);
  });

  it('exits 1 when the gateway refuses the token, and nothing reaches the gateway', async () => {
    const { dir, db } = await queuedDevice(3);
    const server = await startSyncServer({ secret: 's3cret', dbPath: join(dir, 'gateway.db') });
    cleanups.push(() => server.close());
    const forged = (await cli('token', '--secret', 'wrong', '--user', USER, '--device', 'tv')).stdout.trim();
    const result = await cli('replay', '--db', db, '--url', server.url, '--token', forged);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/UNAUTHORIZED/);
    expect(server.headOf(USER)).toBe(0);
    expect((await cli('replay', '--db', db, '--url', server.url, '--token', 'not-a-token')).code).toBe(1);
  });

  it('run by hand right after a failed run, sends the ops without waiting out their backoff', async () => {
    const { dir, db } = await queuedDevice(3);
    const token = (await cli('token', '--secret', 's3cret', '--user', USER, '--device', 'tv')).stdout.trim();
    // A gateway that has gone away: the failed run schedules the ops' next attempt in the future.
    const gone = await startSyncServer({ secret: 's3cret', dbPath: join(dir, 'gone.db') });
    await gone.close();
    const failed = await cli('replay', '--db', db, '--url', gone.url, '--token', token);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toMatch(/transientError/);

    const server = await startSyncServer({ secret: 's3cret', dbPath: join(dir, 'gateway.db') });
    cleanups.push(() => server.close());
    const retried = await cli('replay', '--db', db, '--url', server.url, '--token', token);
    expect(retried.code).toBe(0);
    expect(retried.stdout).toMatch(/^published\s+3$/m);
    expect(server.headOf(USER)).toBe(3);
  }, 30_000); // the failed run waits out the publisher's 5 s connect timeout

  it('exits 1 with one line for a --db that does not exist, and creates no file', async () => {
    const db = join(tempDir(), 'typo.db');
    const token = (await cli('token', '--secret', 's3cret', '--user', USER, '--device', 'tv')).stdout.trim();
    const result = await cli('replay', '--db', db, '--url', 'ws://127.0.0.1:1', '--token', token);
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n')).toEqual([expect.stringContaining(db)]);
    expect(existsSync(db)).toBe(false);
  });
});

describe('media-sync serve', () => {
  it('prints its URL, serves /healthz, and exits 0 on SIGTERM', async () => {
    const dir = tempDir();
    const script = fileURLToPath(new URL('./fixtures/cli.ts', import.meta.url));
    const child: ChildProcessWithoutNullStreams = spawn(
      process.execPath,
      [
        '--conditions=@media-sync/source',
        '--import',
        'tsx',
        script,
        'serve',
        '--port',
        '0',
        '--secret',
        's',
        '--db',
        join(dir, 'g.db'),
      ],
      { stdio: 'pipe' },
    );
    cleanups.push(() => {
      if (child.exitCode === null) child.kill('SIGKILL');
    });
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        if (out.includes('\n')) resolve(out.split('\n')[0] ?? '');
      });
      child.on('exit', (code) => reject(new Error(`serve exited ${code}`)));
    });
    expect(url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+$/);
    const health = await fetch(`${url.replace('ws:', 'http:')}/healthz`);
    expect(health.status).toBe(200);
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  }, 30_000);
});
