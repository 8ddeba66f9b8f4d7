import { createServer } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, tempDir } from './helpers.js';

/** A loopback port nothing listens on. */
function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

describe('media-sync serve --fanout', () => {
  it.each([
    ['the flag', (url: string) => ({ args: ['--fanout', url], env: {} })],
    ['MEDIA_SYNC_FANOUT', (url: string) => ({ args: [], env: { MEDIA_SYNC_FANOUT: url } })],
  ])(
    'exits 2 (try again) naming the NATS server given by %s when it cannot be reached',
    async (_how, given) => {
      const url = `nats://127.0.0.1:${await closedPort()}`;
      const { args, env } = given(url);
      const db = join(tempDir(), 'gateway.db');
      const result = await cli(['serve', '--port', '0', '--db', db, ...args], { MEDIA_SYNC_SECRET: 's', ...env });
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(url);
      expect(result.stdout).toBe('');
    },
    30_000,
  );

  it.each([
    ['the flag', (url: string) => ({ args: ['--fanout', url], env: {} })],
    ['MEDIA_SYNC_FANOUT', (url: string) => ({ args: [], env: { MEDIA_SYNC_FANOUT: url } })],
  ])(
    'never shows the password of a NATS URL given by %s, and warns that the flag shows in ps',
    async (_how, given) => {
      const port = await closedPort();
      const { args, env } = given(`nats://gateway:hunter2@127.0.0.1:${port}`);
      const db = join(tempDir(), 'gateway.db');
      const result = await cli(['serve', '--port', '0', '--db', db, ...args], { MEDIA_SYNC_SECRET: 's', ...env });
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(`127.0.0.1:${port}`);
      expect(result.stderr).not.toContain('hunter2');
      const warning = 'the password in --fanout shows in `ps`; use MEDIA_SYNC_FANOUT';
      if (args.length > 0) expect(result.stderr).toContain(warning);
      else expect(result.stderr).not.toContain(warning);
    },
    30_000,
  );
});
