import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { startFaultProxy } from '@media-sync/publisher-conformance';
import fc from 'fast-check';
import { connect } from 'nats';
import { describe, expect, inject, it } from 'vitest';
import { createNatsFanout, type Fanout, type FanoutNotice, subjectToken } from '../src/fanout.js';
import { deferCleanup, eventually } from './helpers.js';

const nats = inject('nats');
const url = nats.endpoint && `nats://${nats.endpoint.host}:${nats.endpoint.port}`;

/** A fan-out on a subject prefix of its own run, recording what it is handed; closed after the test. */
async function instance(prefix: string, servers = url as string, options: { instanceId?: string } = {}) {
  const notices: FanoutNotice[] = [];
  let resumed = 0;
  const fanout = createNatsFanout({ servers, subjectPrefix: prefix, connectTimeoutMs: 2_000, ...options });
  await fanout.start({ notice: (notice) => notices.push(notice), resumed: () => (resumed += 1) });
  deferCleanup(() => fanout.close());
  return {
    fanout,
    notices,
    get resumed() {
      return resumed;
    },
  };
}

function runPrefix(): string {
  return `media-sync.test.t${randomUUID().replaceAll('-', '').slice(0, 12)}`;
}

const head = (userId: string, value: number): FanoutNotice => ({
  kind: 'head',
  userId,
  head: value,
  committedAt: Date.now(),
});

describe('subject tokens of user ids', () => {
  it('keep [A-Za-z0-9_-] and escape every other byte, so no two users share a token', () => {
    expect(subjectToken('user-1_A')).toBe('user-1_A');
    expect(subjectToken('u.x')).toBe('u%2Ex');
    expect(subjectToken('%2E')).toBe('%252E');
    expect(subjectToken('a >*')).toBe('a%20%3E%2A');
    expect(subjectToken('é')).toBe('%C3%A9');
    const long = 'é'.repeat(1_500);
    expect(subjectToken(long)).toMatch(/^%%[0-9a-f]{64}$/);
    expect(subjectToken(`${long}x`)).not.toBe(subjectToken(long));
    expect(subjectToken('a'.repeat(200))).toBe('a'.repeat(200));
    expect(subjectToken('a'.repeat(201))).toMatch(/^%%[0-9a-f]{64}$/);
    fc.assert(
      fc.property(
        fc.string({ unit: 'grapheme', maxLength: 300 }),
        fc.string({ unit: 'grapheme', maxLength: 300 }),
        (a, b) => {
          expect(subjectToken(a)).toMatch(/^[A-Za-z0-9_%-]{0,200}$|^%%[0-9a-f]{64}$/);
          if (a !== b) expect(subjectToken(a)).not.toBe(subjectToken(b));
        },
      ),
    );
  });
});

describe.skipIf(nats.endpoint === undefined)('NATS fan-out against a real server', () => {
  it('hands a notice to the other instances watching the user, never back to its sender', async () => {
    const prefix = runPrefix();
    const a = await instance(prefix);
    const b = await instance(prefix);
    await a.fanout.watch('user-1');
    await b.fanout.watch('user-1');
    const committedAt = Date.now();
    a.fanout.publish({ kind: 'head', userId: 'user-1', head: 7, committedAt });
    a.fanout.publish({ kind: 'command', userId: 'user-1', deviceId: 'tv', committedAt });
    await eventually(() => b.notices.length === 2);
    expect(b.notices).toEqual([
      { kind: 'head', userId: 'user-1', head: 7, committedAt },
      { kind: 'command', userId: 'user-1', deviceId: 'tv', committedAt },
    ]);
    // The broker routes in the order it received: had `a` been handed its own notices, they
    // would be there before this one of `b`.
    b.fanout.publish(head('user-1', 9));
    await eventually(() => a.notices.length > 0);
    expect(a.notices).toEqual([expect.objectContaining({ kind: 'head', head: 9 })]);
    expect(a.fanout.stats()).toMatchObject({ published: 2, received: 1, malformed: 0, connected: true });
  });

  it('routes each awkward user id to its own watchers only', async () => {
    const prefix = runPrefix();
    const users = ['a', 'a.b', 'a.*', 'a>', 'a b', '%2E', '.', 'é', 'a%2Eb'];
    const a = await instance(prefix);
    const b = await instance(prefix);
    for (const user of users) await b.fanout.watch(user);
    for (const [i, user] of users.entries()) a.fanout.publish(head(user, i + 1));
    await eventually(() => b.notices.length >= users.length);
    await b.fanout.watch('done');
    a.fanout.publish(head('done', 1));
    await eventually(() => b.notices.some((notice) => notice.userId === 'done'));
    expect(b.notices.map((notice) => [notice.userId, notice.kind === 'head' && notice.head])).toEqual([
      ...users.map((user, i) => [user, i + 1]),
      ['done', 1],
    ]);
  });

  it('keeps the link up and routes a user id too long for a subject line (the broker would close it)', async () => {
    const prefix = runPrefix();
    // 1 500 two-byte characters: 9 000 characters escaped, past the server's 4 KiB control line.
    const long = 'é'.repeat(1_500);
    const longToo = `${long}x`;
    const a = await instance(prefix);
    const b = await instance(prefix);
    await b.fanout.watch(long);
    await b.fanout.watch(longToo);
    await b.fanout.watch('user-1');
    a.fanout.publish(head(long, 1));
    a.fanout.publish(head(longToo, 2));
    a.fanout.publish(head('user-1', 3));
    await eventually(() => b.notices.some((notice) => notice.userId === 'user-1'));
    expect(b.notices.map((notice) => [notice.userId.length, notice.kind === 'head' && notice.head])).toEqual([
      [long.length, 1],
      [longToo.length, 2],
      ['user-1'.length, 3],
    ]);
    expect(a.fanout.stats()).toMatchObject({ connected: true, reconnects: 0 });
    expect(b.fanout.stats()).toMatchObject({ connected: true, reconnects: 0, malformed: 0 });
  });

  it('stops handing over a user once every watch of it is undone', async () => {
    const prefix = runPrefix();
    const a = await instance(prefix);
    const b = await instance(prefix);
    await b.fanout.watch('user-1');
    await b.fanout.watch('user-1');
    await b.fanout.watch('sentinel');
    b.fanout.unwatch('user-1');
    a.fanout.publish(head('user-1', 1));
    await eventually(() => b.notices.length === 1);
    b.fanout.unwatch('user-1');
    a.fanout.publish(head('user-1', 2));
    a.fanout.publish(head('sentinel', 1));
    await eventually(() => b.notices.some((notice) => notice.userId === 'sentinel'));
    expect(b.notices.map((notice) => notice.kind === 'head' && [notice.userId, notice.head])).toEqual([
      ['user-1', 1],
      ['sentinel', 1],
    ]);
  });

  it('drops what is not a notice of the watched user, and counts it', async () => {
    const prefix = runPrefix();
    const b = await instance(prefix);
    await b.fanout.watch('user-1');
    const raw = await connect({ servers: url as string });
    deferCleanup(() => raw.close());
    const subject = `${prefix}.user-1.head`;
    const bad = [
      'not json',
      '42',
      JSON.stringify({ v: 2, instance: 'x', userId: 'user-1', head: 1, committedAt: 1 }),
      JSON.stringify({ v: 1, instance: 'x', userId: 'user-2', head: 1, committedAt: 1 }),
      JSON.stringify({ v: 1, instance: 'x', userId: 'user-1', head: -1, committedAt: 1 }),
      JSON.stringify({ v: 1, instance: 'x', userId: 'user-1', head: 1 }),
      JSON.stringify({ v: 1, instance: 'x', userId: 'user-1', head: 1, deviceId: 'tv', committedAt: 1 }),
    ];
    for (const body of bad) raw.publish(subject, new TextEncoder().encode(body));
    raw.publish(
      subject,
      new TextEncoder().encode(JSON.stringify({ v: 1, instance: 'x', userId: 'user-1', head: 3, committedAt: 5 })),
    );
    await eventually(() => b.notices.length === 1);
    expect(b.notices).toEqual([{ kind: 'head', userId: 'user-1', head: 3, committedAt: 5 }]);
    expect(b.fanout.stats()).toMatchObject({ received: 1, malformed: bad.length });
  });

  it('holds the latest notice per user while the broker is away, sends them when it is back, and says it resumed', async () => {
    const prefix = runPrefix();
    const proxy = await startFaultProxy(nats.endpoint as { host: string; port: number });
    deferCleanup(() => proxy.close());
    const a = await instance(prefix, `nats://127.0.0.1:${proxy.endpoint.port}`);
    const b = await instance(prefix);
    await b.fanout.watch('user-1');
    await b.fanout.watch('user-2');
    await proxy.down();
    await eventually(() => !a.fanout.stats().connected);
    a.fanout.publish(head('user-1', 3));
    a.fanout.publish(head('user-1', 5));
    a.fanout.publish({ kind: 'command', userId: 'user-2', deviceId: 'tv', committedAt: 1 });
    expect(a.fanout.stats()).toMatchObject({ published: 0, deferred: 3 });
    await proxy.up();
    await eventually(() => a.resumed === 1 && b.notices.length === 2, 15_000);
    expect(b.notices).toEqual([
      expect.objectContaining({ kind: 'head', userId: 'user-1', head: 5 }),
      { kind: 'command', userId: 'user-2', deviceId: 'tv', committedAt: 1 },
    ]);
    expect(a.fanout.stats()).toMatchObject({ published: 2, reconnects: 1, connected: true });
    // Watches made before the outage hold after it: the client subscribes again on reconnect.
    await a.fanout.watch('user-3');
    b.fanout.publish(head('user-3', 1));
    await eventually(() => a.notices.length === 1);
  });

  it('closes within its drain timeout while the broker is away', async () => {
    const proxy = await startFaultProxy(nats.endpoint as { host: string; port: number });
    deferCleanup(() => proxy.close());
    const a = await instance(runPrefix(), `nats://127.0.0.1:${proxy.endpoint.port}`);
    await proxy.down();
    await eventually(() => !a.fanout.stats().connected);
    a.fanout.publish(head('user-1', 1));
    const started = Date.now();
    await a.fanout.close();
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(a.fanout.stats().connected).toBe(false);
  });

  it('refuses to start when the broker cannot be reached, naming it', async () => {
    const port = await new Promise<number>((resolve) => {
      const server = createServer().listen(0, '127.0.0.1', () => {
        const address = server.address() as { port: number };
        server.close(() => resolve(address.port));
      });
    });
    const fanout: Fanout = createNatsFanout({ servers: `nats://127.0.0.1:${port}`, connectTimeoutMs: 500 });
    const started = fanout.start({ notice() {}, resumed() {} });
    await expect(started).rejects.toMatchObject({ name: 'SyncServerError', code: 'FANOUT_UNAVAILABLE' });
    await expect(started).rejects.toThrow(`127.0.0.1:${port}`);
  });

  it('names an unreachable broker without the password of its URL', async () => {
    const port = await new Promise<number>((resolve) => {
      const server = createServer().listen(0, '127.0.0.1', () => {
        const address = server.address() as { port: number };
        server.close(() => resolve(address.port));
      });
    });
    const fanout: Fanout = createNatsFanout({
      servers: [`nats://gateway:hunter2@127.0.0.1:${port}`, `nats://tok3n-s3cret@127.0.0.1:${port}`],
      connectTimeoutMs: 500,
    });
    const failure = await fanout.start({ notice() {}, resumed() {} }).then(
      () => undefined,
      (error: unknown) => error as Error,
    );
    expect(failure).toMatchObject({ name: 'SyncServerError', code: 'FANOUT_UNAVAILABLE' });
    expect(failure?.message).toContain(`127.0.0.1:${port}`);
    expect(failure?.message).not.toContain('hunter2');
    expect(failure?.message).not.toContain('tok3n-s3cret');
  });
});

describe('NATS fan-out options', () => {
  it('refuses a subject prefix that is not dot-separated plain tokens', () => {
    for (const prefix of ['a..b', 'a.*', 'a.>', 'a b', '', 'a.']) {
      expect(() => createNatsFanout({ servers: 'nats://127.0.0.1:4222', subjectPrefix: prefix })).toThrow(
        expect.objectContaining({ code: 'INVALID_OPTIONS' }),
      );
    }
  });
});
