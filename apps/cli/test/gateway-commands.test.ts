import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { verifyToken } from '@media-sync/sync-server';
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

describe('media-sync token', () => {
  it('prints a token the gateway accepts', async () => {
    const { code, stdout } = await cli('token', '--secret', 's3cret', '--user', USER, '--device', 'tv', '--ttl', '15m');
    expect(code).toBe(0);
    const claims = await verifyToken(stdout.trim(), 's3cret');
    expect(claims).toMatchObject({ userId: USER, deviceId: 'tv' });
    expect(claims.expiresAt - Date.now()).toBeGreaterThan(14 * 60_000);
  });

  it('exits 1 with one line on a bad flag', async () => {
    const { code, stderr } = await cli('token', '--secret', 's', '--user', USER, '--device', 'tv', '--ttl', 'soon');
    expect(code).toBe(1);
    expect(stderr.trim().split('\n')).toHaveLength(1);
  });

  it('prints a readable help, line by line, for a group run without its subcommand', async () => {
    for (const group of ['codec', 'dead-letters']) {
      const { code, stderr } = await cli(group);
      expect(code, group).toBe(1);
      expect(stderr, group).toMatch(new RegExp(`^Usage: media-sync ${group} \\[options\\] \\[command\\]\\n`));
      expect(stderr, group).toMatch(/\nCommands:\n/);
    }
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
