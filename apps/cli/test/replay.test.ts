import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { join } from 'node:path';
import type { SyncOperation } from '@media-sync/protocol';
import { startFaultProxy } from '@media-sync/publisher-conformance';
import { startSyncServer } from '@media-sync/sync-server';
import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { type ReplayResult, replayFailure } from '../src/commands/replay.js';
import { cli, later, queuedDevice, tempDir, USER, watchlistOps } from './helpers.js';
import { findPostgres, withFreshSchema } from './postgres.js';

const SECRET = 's3cret';

async function gateway(dir: string) {
  const server = await startSyncServer({ secret: SECRET, dbPath: join(dir, 'gateway.db') });
  later(() => server.close());
  return server;
}

async function token(user = USER, device = 'tv', secret = SECRET): Promise<string> {
  const result = await cli(['token', '--user', user, '--device', device], { MEDIA_SYNC_SECRET: secret });
  expect(result.code).toBe(0);
  return result.stdout.trim();
}

/** Progress updates of one title: a replay would coalesce all but the last. */
const progressOps = (count: number): SyncOperation[] =>
  Array.from({ length: count }, (_, i) => ({
    type: 'progressUpdate',
    userId: USER,
    contentId: 'tt0111161',
    positionMs: 1000 * (i + 1),
    state: 'playing',
    timestamp: Date.now() + i,
  }));

describe('media-sync replay', () => {
  it('says the gateway cannot reach its store when its PostgreSQL is down, exits 2 and changes nothing', async () => {
    const postgres = await findPostgres();
    if (postgres === undefined) return;
    const target = new URL(postgres);
    const proxy = await startFaultProxy({ host: target.hostname, port: Number(target.port || 5432) });
    later(() => proxy.close());
    const store = withFreshSchema(postgres, 'msgw_cli_replay');
    later(store.drop);
    const viaProxy = new URL(store.url);
    viaProxy.host = `127.0.0.1:${proxy.endpoint.port}`;
    const server = await startSyncServer({ secret: SECRET, store: viaProxy.toString() });
    later(() => server.close());
    const { db } = await queuedDevice(watchlistOps(3));
    await proxy.down();
    const result = await cli(['replay', '--db', db, '--url', server.url, '--token', await token()]);
    // Not "is it a media-sync gateway?": the gateway answers, and says its store is the trouble.
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('is up but cannot reach its store (postgres: connect ECONNREFUSED');
    expect(result.stderr).toContain('the queue is unchanged');
    await proxy.up();
    // /healthz keeps its last check for a second.
    const health = `${server.url.replace('ws:', 'http:')}/healthz`;
    const deadline = Date.now() + 10_000;
    while ((await fetch(health)).status !== 200 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    const again = await cli(['replay', '--db', db, '--url', server.url, '--token', await token()]);
    expect(again).toMatchObject({ code: 0, stderr: '' });
    expect(again.stdout).toMatch(/^published\s+3$/m);
  }, 60_000);

  it("drains a device's SQLite queue into the gateway, URL and token from the environment", async () => {
    const { dir, db } = await queuedDevice([...watchlistOps(25), ...progressOps(3)]);
    const server = await gateway(dir);
    const env = { MEDIA_SYNC_URL: server.url, MEDIA_SYNC_TOKEN: await token() };
    const result = await cli(['replay', '--db', db], env);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toMatch(/^published\s+26$/m);
    expect(result.stdout).toMatch(/^coalesced\s+2$/m);
    // The publisher encodes against the session context: the label says so. (The frame that only
    // declares the coalesced seqs skipped carries no ops, and goes self-contained.)
    expect(result.stdout).toMatch(/^bytes sent \((1 of 2 )?frames with session context\)\s+\d+$/m);
    expect(result.stdout).not.toContain('self-contained');
    expect(result.stdout).toMatch(/^stopped by\s+drained$/m);
    expect(await server.headOf(USER)).toBe(26);

    const again = await cli(['replay', '--db', db, '--json'], env);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ published: 0, deadLettered: 0, stoppedBy: 'drained' });
  });

  it('exits 1 and says how many ops were dead-lettered when the gateway rejected some', async () => {
    const { dir, db } = await queuedDevice([...watchlistOps(2), ...watchlistOps(1, 'intruder')]);
    const server = await gateway(dir);
    const result = await cli(['replay', '--db', db, '--url', server.url, '--token', await token()]);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^dead-lettered\s+1$/m);
    expect(result.stdout).toMatch(/^stopped by\s+drained$/m);
    expect(result.stderr).toBe(
      'media-sync: 1 ops were dead-lettered by this run (see `media-sync status` and `media-sync dead-letters list`)\n',
    );
    const status = JSON.parse((await cli(['status', '--db', db, '--json'])).stdout);
    expect(status.deadLetterReasons).toEqual([
      {
        code: 'REJECTED',
        count: 1,
        latestReason: expect.stringContaining('FORBIDDEN_USER'),
        latestAt: expect.any(Number),
      },
    ]);
  });

  it('refuses a token of another user before sending anything (it would dead-letter every op)', async () => {
    const { dir, db } = await queuedDevice(progressOps(5));
    const server = await gateway(dir);
    const before = readFileSync(db);
    const result = await cli(['replay', '--db', db, '--url', server.url, '--token', await token('user-2')]);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(`media-sync: ${db} is the queue of user ${USER}, the token is for user user-2\n`);
    expect(readFileSync(db).equals(before)).toBe(true);
    expect(server.metrics().opsApplied).toBe(0);
  });

  it('exits 3 when the gateway refuses the token, saying it is not expired, and changes nothing', async () => {
    const { dir, db } = await queuedDevice(progressOps(22));
    const server = await gateway(dir);
    const before = readFileSync(db);
    const forged = await token(USER, 'tv', 'not-the-secret');
    const result = await cli(['replay', '--db', db, '--url', server.url, '--token', forged, '--timeout', '1000']);
    expect(result.code).toBe(3);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(
      /^media-sync: the gateway at ws:\/\/127\.0\.0\.1:\d+\/ refused the token: its signature does not verify .*\(it is not expired: valid until \d{4}-/,
    );
    // Nothing coalesced, expired or counted: the file is byte for byte the same.
    expect(readFileSync(db).equals(before)).toBe(true);
    expect(await server.headOf(USER)).toBe(0);
  });

  it('exits 3 for an expired token without contacting the gateway', async () => {
    const { db } = await queuedDevice(progressOps(3));
    const before = readFileSync(db);
    const expired = await new SignJWT({ did: 'tv' })
      .setProtectedHeader({ alg: 'HS256', kid: 'k1' })
      .setSubject(USER)
      .setIssuedAt(Math.floor(Date.now() / 1000) - 7200)
      .setExpirationTime(Math.floor(Date.now() / 1000) - 3600)
      .sign(new TextEncoder().encode(SECRET));
    const result = await cli(['replay', '--db', db, '--url', 'ws://127.0.0.1:9', '--token', expired]);
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/^media-sync: the token expired at \d{4}-.* \(60 min ago\); make a new one/);
    expect(readFileSync(db).equals(before)).toBe(true);
  });

  it('says which way the connection failed, exits 2, and changes nothing', async () => {
    const { dir, db } = await queuedDevice(progressOps(4));
    const before = readFileSync(db);
    const good = await token();
    const server = await gateway(dir);
    const closedPort = await (async () => {
      const gone = await gateway(tempDir());
      await gone.close();
      return gone.port;
    })();
    // Accepts connections and never answers.
    const sockets: Socket[] = [];
    const silent = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    later(
      () =>
        new Promise<void>((resolve) => {
          for (const socket of sockets) socket.destroy();
          silent.close(() => resolve());
        }),
    );
    const silentPort = (silent.address() as { port: number }).port;
    const cases: Array<[string, RegExp]> = [
      [`ws://127.0.0.1:${closedPort}`, /connection refused by 127\.0\.0\.1:\d+ \(nothing listens on that port\)/],
      ['ws://no-such-host.invalid:8787', /cannot resolve the host no-such-host\.invalid \(DNS: E[A-Z_]+\)/],
      [`wss://127.0.0.1:${server.port}`, /TLS with 127\.0\.0\.1:\d+ failed \([A-Z_]+\): a plain ws:\/\/ gateway/],
      [`ws://127.0.0.1:${silentPort}`, /no answer from 127\.0\.0\.1:\d+ within 500 ms \(timeout\)/],
    ];
    for (const [url, message] of cases) {
      const result = await cli(['replay', '--db', db, '--url', url, '--token', good, '--timeout', '500']);
      expect({ url, code: result.code }).toEqual({ url, code: 2 });
      expect(result.stderr).toMatch(message);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
      expect(result.stdout).toBe('');
    }
    const badUrl = await cli(['replay', '--db', db, '--url', 'http://127.0.0.1:1', '--token', good]);
    expect(badUrl).toMatchObject({
      code: 1,
      stderr: 'media-sync: --url http://127.0.0.1:1 must start with ws:// or wss://, not http://\n',
    });
    expect(readFileSync(db).equals(before)).toBe(true);

    // Then the gateway is there: everything goes, nothing was lost or held back by the failures.
    const retried = await cli(['replay', '--db', db, '--url', server.url, '--token', good]);
    expect(retried.code).toBe(0);
    expect(retried.stdout).toMatch(/^published\s+1$/m);
    expect(retried.stdout).toMatch(/^coalesced\s+3$/m);
  });

  it('exits 1 with one line for a --db that does not exist or a token that is not one, creating no file', async () => {
    const db = join(tempDir(), 'typo.db');
    const result = await cli(['replay', '--db', db, '--url', 'ws://127.0.0.1:9', '--token', await token()]);
    expect(result).toMatchObject({ code: 1, stderr: `media-sync: no queue database at ${db}\n` });
    expect(existsSync(db)).toBe(false);
    const junk = await cli(['replay', '--db', db, '--url', 'ws://127.0.0.1:9', '--token', 'not-a-token']);
    expect(junk.code).toBe(1);
    expect(junk.stderr).toMatch(/^media-sync: --token is not a media-sync gateway token/);
  });
});

describe('replay exit codes', () => {
  const report = (fields: Partial<ReplayResult>): ReplayResult =>
    ({
      published: 0,
      coalesced: 0,
      expired: 0,
      deadLettered: 0,
      frames: 0,
      pending: 0,
      durationMs: 1,
      stoppedBy: 'drained',
      nextAttemptAt: null,
      error: null,
      contextFrames: 0,
      leaseHolder: null,
      bytes: {} as ReplayResult['bytes'],
      ...fields,
    }) as ReplayResult;

  it.each([
    [report({}), undefined],
    [report({ deadLettered: 2 }), 1],
    [report({ stoppedBy: 'transientError', error: { code: 'UNAVAILABLE', message: 'gone' } }), 2],
    [report({ stoppedBy: 'leaseHeld', leaseHolder: { owner: 'o', pid: 4242, host: 'tv-box', expiresAt: 0 } }), 2],
    [report({ stoppedBy: 'permanentError', error: { code: 'UNAUTHORIZED', message: 'no' } }), 3],
    [report({ stoppedBy: 'unauthorized', error: { code: 'UNAUTHORIZED', message: 'refused' } }), 3],
    [report({ stoppedBy: 'permanentError', error: { code: 'INCOMPATIBLE', message: 'v9' } }), 1],
  ])('%# maps to its exit code', (given, exitCode) => {
    expect(replayFailure(given)?.exitCode).toBe(exitCode);
  });

  it('names the holder of the replay lease', () => {
    const held = report({
      stoppedBy: 'leaseHeld',
      leaseHolder: { owner: 'o', pid: 4242, host: 'tv-box', expiresAt: 0 },
    });
    expect(replayFailure(held)?.message).toBe(
      'replay stopped (leaseHeld) (held by pid 4242 on tv-box until 1970-01-01T00:00:00.000Z)',
    );
  });
});
