import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createCodec } from '@media-sync/codec';
import { createWebSocketPublisher, createWebSocketSubscriber } from '@media-sync/publisher-websocket';
import type { IncomingFrame, OutgoingFrame } from '@media-sync/queue';
import { createToken } from '@media-sync/sync-server';
import { describe, expect, it } from 'vitest';
import { cli, later, tempDir } from './helpers.js';
import { findPostgres, withFreshSchema } from './postgres.js';
import { freePort, spawnServe } from './serve-process.js';

const postgres = await findPostgres();
const SECRET = 'serve-store-test-secret';

async function frameOf(deviceId: string, first: number, count: number): Promise<OutgoingFrame> {
  const codec = await createCodec();
  const base = Date.now() - 86_400_000;
  const ops = Array.from({ length: count }, (_, i) => {
    const seq = first + i;
    return {
      deviceId,
      seq,
      hlc: { physicalMs: base + seq, logical: 0, nodeId: deviceId },
      op: {
        type: 'progressUpdate' as const,
        userId: 'u',
        contentId: `title-${deviceId}-${seq}`,
        positionMs: seq * 1000,
        durationMs: 5_400_000,
        state: 'playing' as const,
        timestamp: base + seq,
      },
    };
  });
  const encoded = codec.encodeFrame(deviceId, ops);
  return {
    deviceId,
    userId: 'u',
    firstSeq: first,
    lastSeq: first + count - 1,
    ops,
    skipped: [],
    selfContained: () => encoded,
  };
}

describe('media-sync serve --store', () => {
  it.each([
    ['the flag', (url: string) => ({ args: ['--store', url], env: {} })],
    ['MEDIA_SYNC_STORE', (url: string) => ({ args: [], env: { MEDIA_SYNC_STORE: url } })],
  ])(
    'exits 2 (try again) naming the PostgreSQL server given by %s when it cannot be reached',
    async (_how, given) => {
      const port = await freePort();
      const { args, env } = given(`postgres://root:hunter2@127.0.0.1:${port}/test`);
      const result = await cli(['serve', '--port', '0', ...args], { MEDIA_SYNC_SECRET: 's', ...env });
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(`127.0.0.1:${port}`);
      expect(result.stderr).not.toContain('hunter2');
      expect(result.stdout).toBe('');
      // A flag's password shows in `ps`: the flag (only) is warned about, naming the variable.
      const warning = 'the password in --store shows in `ps`; use MEDIA_SYNC_STORE';
      if (args.length > 0) expect(result.stderr).toContain(warning);
      else expect(result.stderr).not.toContain(warning);
    },
    30_000,
  );

  it('exits 1 naming what it expected for a store URL of another scheme', async () => {
    const result = await cli(['serve', '--port', '0', '--store', 'mysql://root@127.0.0.1/test'], {
      MEDIA_SYNC_SECRET: 's',
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('postgres://');
    expect(result.stdout).toBe('');
  });

  it.skipIf(postgres === undefined)(
    'two serve processes on one PostgreSQL store share the state: ops sent to each reach a device of the other',
    async () => {
      const { url: store, drop } = withFreshSchema(postgres as string, 'msgw_cli');
      later(drop);
      // The SQLite default is not used: --db points at a file that must stay absent.
      const db = join(tempDir(), 'unused.db');
      const env = { MEDIA_SYNC_SECRET: SECRET, MEDIA_SYNC_STORE: store };
      const a = spawnServe(['--port', String(await freePort()), '--db', db], env);
      const b = spawnServe(['--port', String(await freePort()), '--db', db], env);
      const [urlA, urlB] = await Promise.all([a.url, b.url]);
      const publisher = async (url: string, deviceId: string) => {
        const created = createWebSocketPublisher({
          url,
          token: await createToken({ secret: SECRET, userId: 'u', deviceId }),
        });
        later(() => created.close());
        return created;
      };
      await (await publisher(urlA, 'tv')).publish(await frameOf('tv', 1, 5));
      await (await publisher(urlB, 'phone')).publish(await frameOf('phone', 1, 5));
      const received: IncomingFrame[] = [];
      const subscriber = createWebSocketSubscriber({
        url: urlB,
        token: await createToken({ secret: SECRET, userId: 'u', deviceId: 'web' }),
        since: 0,
      });
      const subscription = await subscriber.subscribe('u', (frame) => {
        received.push(frame);
      });
      later(() => subscription.unsubscribe());
      await subscriber.waitForCursor(10, 20_000);
      const codec = await createCodec();
      const devices = received.flatMap((frame) =>
        codec.decodeFrame(frame.bytes, { userId: 'u' }).ops.map((op) => op.deviceId),
      );
      expect(devices.filter((device) => device === 'tv')).toHaveLength(5);
      expect(devices.filter((device) => device === 'phone')).toHaveLength(5);
      a.child.kill('SIGTERM');
      b.child.kill('SIGTERM');
      expect((await a.exited).code).toBe(0);
      expect((await b.exited).code).toBe(0);
      expect(existsSync(db)).toBe(false);
    },
    60_000,
  );
});
