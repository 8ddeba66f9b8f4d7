import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createMemoryPublisher } from '@media-sync/publisher-memory';
import { createQueue } from '@media-sync/queue';
import { createSqliteStorage } from '@media-sync/storage-sqlite';
import { verifyToken } from '@media-sync/sync-server';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { run } from '../src/main.js';

const CLI = fileURLToPath(new URL('./fixtures/cli.ts', import.meta.url));
const SECRET = 'serve-test-secret';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  vi.unstubAllEnvs();
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'media-sync-serve-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** `media-sync <args>` in its own process, with MEDIA_SYNC_SECRET set unless `env` says otherwise. */
function spawnCli(args: string[], env: Record<string, string | undefined> = { MEDIA_SYNC_SECRET: SECRET }) {
  const child: ChildProcessWithoutNullStreams = spawn(
    process.execPath,
    ['--conditions=@media-sync/source', '--import', 'tsx', CLI, ...args],
    { stdio: 'pipe', env: { ...process.env, MEDIA_SYNC_SECRET: undefined, ...env } },
  );
  cleanups.push(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.once('exit', (code) => resolve({ code, stdout, stderr })),
  );
  const url = new Promise<string>((resolve, reject) => {
    child.stdout.on('data', () => {
      if (stdout.includes('\n')) resolve(stdout.split('\n')[0] ?? '');
    });
    void exited.then(({ code }) => reject(new Error(`exited ${code}: ${stderr}`)));
  });
  url.catch(() => undefined);
  return { child, exited, url };
}

/** Runs the CLI in-process, capturing what it writes. */
async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
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
  try {
    const code = await run(['node', 'media-sync', ...args]);
    return { code, stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

describe('media-sync serve: one gateway per database file', () => {
  it('refuses a second serve on the same --db with one line, while the first keeps serving', async () => {
    const db = join(tempDir(), 'gateway.db');
    const first = spawnCli(['serve', '--port', '0', '--db', db]);
    const url = await first.url;
    const second = await spawnCli(['serve', '--port', '0', '--db', db]).exited;
    expect(second.code).toBe(1);
    expect(second.stderr.trim().split('\n')).toEqual([`media-sync: ${db} is in use by another gateway process`]);
    expect((await fetch(`${url.replace('ws:', 'http:')}/healthz`)).status).toBe(200);
    first.child.kill('SIGTERM');
    expect((await first.exited).code).toBe(0);
    // The lock goes with the process: the next serve starts.
    const third = spawnCli(['serve', '--port', '0', '--db', db]);
    await third.url;
    third.child.kill('SIGKILL');
  }, 60_000);

  it('refuses a device queue database, a file that is not SQLite, and leaves both byte-identical', async () => {
    const dir = tempDir();
    const queueDb = join(dir, 'tv.db');
    const storage = createSqliteStorage({ path: queueDb });
    const queue = createQueue({ deviceId: 'tv', userId: 'u', storage, publisher: createMemoryPublisher() });
    await queue.enqueueMany([{ type: 'watchlistAdd', userId: 'u', contentId: 'tt1', timestamp: Date.now() }]);
    await queue.close();
    await storage.close();
    const notes = join(dir, 'notes.txt');
    writeFileSync(notes, 'not a database, just text that is long enough to look like a file\n'.repeat(4));
    for (const [file, why] of [
      [queueDb, /is (a device queue database|not a gateway database)/],
      [notes, /is not an SQLite database/],
    ] as const) {
      const before = readFileSync(file);
      const result = await spawnCli(['serve', '--port', '0', '--db', file]).exited;
      expect(result.code).toBe(1);
      const lines = result.stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain(file);
      expect(lines[0]).toMatch(why);
      expect(readFileSync(file).equals(before)).toBe(true);
    }
  }, 60_000);
});

describe('media-sync serve and token: secrets', () => {
  it('reads the secret from MEDIA_SYNC_SECRET or --secret-file; refuses to start without one', async () => {
    const dir = tempDir();
    const none = await spawnCli(['serve', '--port', '0', '--db', join(dir, 'a.db')], {}).exited;
    expect(none.code).toBe(1);
    expect(none.stderr.trim().split('\n')).toEqual([
      'media-sync: no token secret: set MEDIA_SYNC_SECRET or pass --secret-file FILE',
    ]);
    const file = join(dir, 'secrets');
    writeFileSync(file, '2026 new-secret\n2025 old-secret\n');
    const served = spawnCli(['serve', '--port', '0', '--db', join(dir, 'b.db'), '--secret-file', file], {});
    await served.url;
    served.child.kill('SIGKILL');
    const { code, stdout } = await cli(
      'token',
      '--secret-file',
      file,
      '--user',
      'u',
      '--device',
      'tv',
      '--kid',
      '2025',
    );
    expect(code).toBe(0);
    expect(await verifyToken(stdout.trim(), [{ kid: '2025', secret: 'old-secret' }])).toMatchObject({
      userId: 'u',
      deviceId: 'tv',
    });
  }, 60_000);

  it('never prints the secret in --help', async () => {
    vi.stubEnv('MEDIA_SYNC_SECRET', 'do-not-print-me');
    for (const command of ['serve', 'token']) {
      const { stdout, stderr } = await cli(command, '--help');
      expect(stdout).toContain('--secret-file');
      expect(`${stdout}${stderr}`).not.toContain('do-not-print-me');
    }
  });

  it('token --json reports the token with its user, device, kid and expiry', async () => {
    vi.stubEnv('MEDIA_SYNC_SECRET', SECRET);
    const { code, stdout } = await cli('token', '--user', 'u', '--device', 'tv', '--ttl', '1h', '--json');
    expect(code).toBe(0);
    const report = JSON.parse(stdout) as {
      token: string;
      userId: string;
      deviceId: string;
      kid: string;
      expiresAt: string;
    };
    expect(report).toMatchObject({ userId: 'u', deviceId: 'tv', kid: 'default' });
    const claims = await verifyToken(report.token, SECRET);
    expect(new Date(report.expiresAt).getTime()).toBe(claims.expiresAt);
    expect(claims.expiresAt - Date.now()).toBeGreaterThan(59 * 60_000);
  });
});
