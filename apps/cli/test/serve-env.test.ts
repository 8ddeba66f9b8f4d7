import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createToken } from '@media-sync/sync-server';
import { describe, expect, it } from 'vitest';
import { LIMIT_SETTINGS, SERVE_SETTINGS } from '../src/commands/serve-config.js';
import { later, tempDir } from './helpers.js';
import { freePort, spawnServe } from './serve-process.js';

const SECRET = 'serve-env-test-secret-9f2c';
const README = fileURLToPath(new URL('../../sync-server/README.md', import.meta.url));

describe('media-sync serve: configuration from the environment', () => {
  it('takes PORT, HOST, MEDIA_SYNC_SECRET and the limits from the environment; a flag wins over its variable', async () => {
    const dir = tempDir();
    const port = await freePort();
    const served = spawnServe(['--max-connections-per-user', '3'], {
      PORT: String(port),
      HOST: '127.0.0.1',
      MEDIA_SYNC_SECRET: SECRET,
      MEDIA_SYNC_GATEWAY_DB: join(dir, 'gateway.db'),
      MEDIA_SYNC_MAX_CONNECTIONS_PER_DEVICE: '1',
      MEDIA_SYNC_MAX_CONNECTIONS_PER_USER: '1',
    });
    const url = await served.url;
    expect(url).toBe(`ws://127.0.0.1:${port}`);
    const { WebSocket } = await import('ws');
    const open = async (deviceId: string) => {
      const token = await createToken({ secret: SECRET, userId: 'u', deviceId });
      const socket = new WebSocket(url, ['media-sync.v2'], { headers: { authorization: `Bearer ${token}` } });
      later(() => socket.terminate());
      return new Promise<number>((resolve) => {
        socket.once('upgrade', (response) => resolve(response.statusCode ?? 0));
        socket.once('unexpected-response', (_request, response) => resolve(response.statusCode ?? 0));
        socket.once('error', () => resolve(-1));
      });
    };
    // MEDIA_SYNC_MAX_CONNECTIONS_PER_DEVICE=1 holds; the flag's 3 per user beats the variable's 1.
    expect(await open('tv')).toBe(101);
    expect(await open('tv')).toBe(429);
    expect(await open('phone')).toBe(101);
    expect(await open('radio')).toBe(101);
    expect(await open('watch')).toBe(429);
    const health = (await (await fetch(`${url.replace('ws:', 'http:')}/healthz`)).json()) as {
      limits: Record<string, number>;
    };
    expect(health.limits).toMatchObject({ connectionsOverDevice: 1, connectionsOverUser: 1 });
    served.child.kill('SIGTERM');
    const { code, stderr } = await served.exited;
    expect(code).toBe(0);
    // JSON lines through pino: every line parses, the refusals are there, the secret is not.
    const lines = stderr.trim().split('\n');
    const records = lines.map((line) => JSON.parse(line) as { msg: string; level: number });
    expect(records.map((record) => record.msg)).toContain('gateway listening');
    expect(records.filter((record) => record.msg === 'connection opened')).toHaveLength(3);
    expect(stderr).not.toContain(SECRET);
  }, 60_000);

  it('refuses a variable that is not a number, naming it', async () => {
    const result = await spawnServe([], {
      MEDIA_SYNC_SECRET: SECRET,
      MEDIA_SYNC_GATEWAY_DB: join(tempDir(), 'gateway.db'),
      PORT: '0',
      MEDIA_SYNC_MAX_CONNECTIONS: 'lots',
    }).exited;
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('MEDIA_SYNC_MAX_CONNECTIONS');
    expect(result.stderr).toContain('lots');
  }, 30_000);

  it('documents every setting in the README configuration table with its flag and variable', () => {
    const readme = readFileSync(README, 'utf8');
    const section = readme.slice(
      readme.indexOf('## Configuration'),
      readme.indexOf('\n## ', readme.indexOf('## Configuration') + 1),
    );
    const rows = section.split('\n').filter((line) => line.startsWith('| `'));
    const documented = new Map(
      rows.map((row) => {
        const cells = row.split('|').map((cell) => cell.trim());
        return [cells[2]?.replace(/`/g, ''), cells[1]?.replace(/`/g, '')] as const;
      }),
    );
    for (const setting of [...SERVE_SETTINGS, ...LIMIT_SETTINGS]) {
      expect(documented.get(setting.env), setting.env).toBe(setting.flag.split(' ')[0]);
    }
    expect(documented.get('MEDIA_SYNC_SECRET')).toBe('--secret-file');
  });
});
