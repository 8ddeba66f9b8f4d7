import { createServer, type Socket, connect as tcpConnect } from 'node:net';
import type { SequencedOperation } from '@media-sync/protocol';
import { startFaultProxy } from '@media-sync/publisher-conformance';
import { createWebSocketPublisher } from '@media-sync/publisher-websocket';
import { createReplica } from '@media-sync/state';
import { describe, expect, inject, it } from 'vitest';
import { type SyncServer, startSyncServer } from '../src/index.js';
import { PostgresGatewayStore } from '../src/store/postgres.js';
import {
  codec,
  commandOp,
  deferCleanup,
  outgoing,
  progressOps,
  rawClient,
  SECRET,
  token,
  USER,
  watchlistOp,
} from './helpers.js';
import { dropSchema, uniqueSchema } from './store-conformance/postgres.js';

const url = inject('postgresUrl');

/** The URL of a fresh schema of the test server, dropped after the test. */
function freshStore(): string {
  const schema = uniqueSchema('msgw_gateway');
  deferCleanup(() => dropSchema(url as string, schema));
  const store = new URL(url as string);
  store.searchParams.set('schema', schema);
  return store.toString();
}

async function instance(store: string, options: { snapshotEvery?: number } = {}): Promise<SyncServer> {
  const server = await startSyncServer({ secret: SECRET, store, codec: await codec(), ...options });
  deferCleanup(() => server.close());
  return server;
}

async function publisher(serverUrl: string, deviceId: string) {
  const created = createWebSocketPublisher({ url: serverUrl, token: await token(deviceId) });
  deferCleanup(() => created.close());
  return created;
}

function expectedState(ops: readonly SequencedOperation[]) {
  const replica = createReplica({ userId: USER });
  replica.applyAll([...ops]);
  return { progress: replica.progress(), watchlist: replica.watchlist({ includeTombstones: true }) };
}

/** A loopback port nothing listens on. */
function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/**
 * A TCP proxy whose link can stall: while stalled it forwards nothing either way but keeps every
 * connection open, as a network partition or a frozen server host does (no RST, no FIN).
 */
async function startStallingProxy(target: { host: string; port: number }) {
  const pairs: [Socket, Socket][] = [];
  let stalled = false;
  const server = createServer((client) => {
    const upstream = tcpConnect(target.port, target.host);
    pairs.push([client, upstream]);
    if (stalled) {
      client.pause();
      upstream.pause();
    }
    client.on('data', (data) => upstream.write(data));
    upstream.on('data', (data) => client.write(data));
    const end = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as { port: number }).port,
    stall() {
      stalled = true;
      for (const [client, upstream] of pairs) {
        client.pause();
        upstream.pause();
      }
    },
    resume() {
      stalled = false;
      for (const [client, upstream] of pairs) {
        client.resume();
        upstream.resume();
      }
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const [client, upstream] of pairs) {
          client.destroy();
          upstream.destroy();
        }
        server.close(() => resolve());
      }),
  };
}

async function healthz(address: string): Promise<{ status: number; body: unknown; elapsedMs: number }> {
  const started = Date.now();
  const response = await fetch(address);
  return { status: response.status, body: await response.json(), elapsedMs: Date.now() - started };
}

describe.skipIf(url === undefined)('gateways sharing a PostgreSQL store', () => {
  it('answers a retryable error within the query timeout while PostgreSQL stalls (no reply, no reset), and recovers', async () => {
    const target = new URL(url as string);
    const proxy = await startStallingProxy({ host: target.hostname, port: Number(target.port || 5432) });
    deferCleanup(() => proxy.close());
    const schema = uniqueSchema('msgw_stall');
    deferCleanup(() => dropSchema(url as string, schema));
    const viaProxy = new URL(url as string);
    viaProxy.host = `127.0.0.1:${proxy.port}`;
    const store = await PostgresGatewayStore.open({
      url: viaProxy.toString(),
      schema,
      queryTimeoutMs: 2_000,
      connectTimeoutMs: 2_000,
    });
    const server = await startSyncServer({ secret: SECRET, store, codec: await codec() });
    deferCleanup(() => server.close());
    deferCleanup(() => store.close());
    // The publisher's own ACK timeout is far away: an answer before it is the gateway's.
    const created = createWebSocketPublisher({ url: server.url, token: await token('tv'), ackTimeoutMs: 45_000 });
    deferCleanup(() => created.close());
    await created.publish(await outgoing(progressOps('tv', 1, 2)));
    proxy.stall();
    const started = Date.now();
    const failed = await created.publish(await outgoing(progressOps('tv', 3, 2))).then(
      () => undefined,
      (error: unknown) => error,
    );
    // Without a query timeout the frame waits for the server as long as TCP keeps the dead link open.
    expect(failed).toMatchObject({ code: 'UNAVAILABLE', transient: true });
    expect(Date.now() - started).toBeLessThan(30_000);
    proxy.resume();
    let ack: Awaited<ReturnType<typeof created.publish>> | undefined;
    const deadline = Date.now() + 30_000;
    while (ack === undefined && Date.now() < deadline) {
      ack = await created.publish(await outgoing(progressOps('tv', 3, 2))).catch(() => undefined);
    }
    expect(ack).toMatchObject({ rejected: [] });
    expect(await server.headOf(USER)).toBe(4);
    expect(await server.stateOf(USER)).toEqual(expectedState(progressOps('tv', 1, 4)));
  }, 120_000);

  it('answers a command to a device id PostgreSQL cannot store (a NUL) with INVALID_TARGET, not an error for ever', async () => {
    const server = await instance(freshStore());
    const phone = await publisher(server.url, 'phone');
    const [, state] = progressOps('phone', 1, 2);
    if (!state) throw new Error('fixture');
    const ack = await phone.publish(await outgoing([commandOp('phone', 1, 'tv\u0000'), state]));
    expect(ack.rejected).toEqual([{ firstSeq: 1, lastSeq: 1, code: 'INVALID_TARGET' }]);
    expect(await server.headOf(USER)).toBe(1);
  });

  it('holds one command ack of a connection at a time: a flood of acks does not starve other devices of the store', {
    timeout: 60_000,
  }, async () => {
    const server = await instance(freshStore());
    const attacker = rawClient(server.url, await token('attacker'));
    await attacker.receivedCount(1);
    // Tiny messages, each a store delete if handled at once: 50 000 of them would queue 50 000
    // deletes for the pool every connection's frames share.
    for (let i = 1; i <= 50_000; i++) attacker.send({ type: 'commandAck', deliveryId: i });
    const phone = await publisher(server.url, 'phone');
    await new Promise((resolve) => setTimeout(resolve, 300));
    const started = performance.now();
    const ack = await phone.publish(await outgoing(progressOps('phone', 1, 1)));
    expect(ack.rejected).toEqual([]);
    // 30-50 ms with one ack at a time; 7.9 s (and INTERNAL for a frame: a read timed out) before.
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  it('two gateways writing one user at once converge, and a third loads the same state from snapshot and log', async () => {
    const store = freshStore();
    // A snapshot every few ops: each gateway writes them while the other writes the same user,
    // so a snapshot of a replica that missed the other's ops would show in the third gateway.
    const a = await instance(store, { snapshotEvery: 7 });
    const b = await instance(store, { snapshotEvery: 7 });
    const tv = await publisher(a.url, 'tv');
    const phone = await publisher(b.url, 'phone');
    const sent: SequencedOperation[] = [];
    const rounds = 12;
    await Promise.all([
      (async () => {
        for (let round = 0; round < rounds; round++) {
          const ops = progressOps('tv', round * 3 + 1, 3);
          sent.push(...ops);
          await tv.publish(await outgoing(ops));
        }
      })(),
      (async () => {
        for (let round = 0; round < rounds; round++) {
          const ops = [watchlistOp('phone', round * 2 + 1, `tt-${round}`), ...progressOps('phone', round * 2 + 2, 1)];
          sent.push(...ops);
          await phone.publish(await outgoing(ops));
        }
      })(),
    ]);
    const total = rounds * 5;
    expect(await a.headOf(USER)).toBe(total);
    expect(await b.headOf(USER)).toBe(total);
    const expected = expectedState(sent);
    expect(await a.stateOf(USER)).toEqual(expected);
    expect(await b.stateOf(USER)).toEqual(expected);
    // Re-sent to the other gateway, a frame is a duplicate there: the settled seqs are shared.
    const again = await (await publisher(b.url, 'tv')).publish(await outgoing(progressOps('tv', 1, 3)));
    expect(again.duplicate).toBe(true);
    await a.close();
    await b.close();
    const c = await instance(store);
    expect(await c.headOf(USER)).toBe(total);
    expect(await c.stateOf(USER)).toEqual(expected);
  }, 60_000);

  it('answers frames with a retryable error while PostgreSQL is unreachable, and takes them once it is back', async () => {
    const target = new URL(url as string);
    const proxy = await startFaultProxy({ host: target.hostname, port: Number(target.port || 5432) });
    deferCleanup(() => proxy.close());
    const schema = uniqueSchema('msgw_outage');
    deferCleanup(() => dropSchema(url as string, schema));
    const viaProxy = new URL(url as string);
    viaProxy.host = `127.0.0.1:${proxy.endpoint.port}`;
    viaProxy.searchParams.set('schema', schema);
    const server = await instance(viaProxy.toString());
    const tv = await publisher(server.url, 'tv');
    await tv.publish(await outgoing(progressOps('tv', 1, 2)));
    await proxy.down();
    const failed = await tv.publish(await outgoing(progressOps('tv', 3, 2))).then(
      () => undefined,
      (error: unknown) => error,
    );
    // UNAVAILABLE is transient: the queue keeps the ops and sends them again; nothing dead-letters.
    // The message names the store, not the gateway's own state.
    expect(failed).toMatchObject({ code: 'UNAVAILABLE', transient: true, message: expect.stringContaining('store') });
    // /healthz reports the store (a load balancer sends devices elsewhere), within its bound.
    const health = `${server.url.replace('ws:', 'http:')}/healthz`;
    let down = await healthz(health);
    for (const until = Date.now() + 5_000; down.status === 200 && Date.now() < until; ) down = await healthz(health);
    expect(down.status).toBe(503);
    expect(down.elapsedMs).toBeLessThan(3_000);
    expect(down.body).toMatchObject({
      status: 'store unreachable',
      store: { kind: 'postgres', ok: false, error: expect.stringContaining('ECONNREFUSED') },
    });
    // A device that connects now is told to come back later (1013), the store named.
    const closed = await rawClient(server.url, await token('phone')).closed;
    expect(closed).toMatchObject({ code: 1013, reason: expect.stringContaining('store') });
    await proxy.up();
    let up = await healthz(health);
    for (const until = Date.now() + 10_000; up.status !== 200 && Date.now() < until; ) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      up = await healthz(health);
    }
    expect(up.body).toMatchObject({ status: 'ok', store: { kind: 'postgres', ok: true } });
    let ack: Awaited<ReturnType<typeof tv.publish>> | undefined;
    const deadline = Date.now() + 20_000;
    while (ack === undefined && Date.now() < deadline) {
      ack = await tv.publish(await outgoing(progressOps('tv', 3, 2))).catch(() => undefined);
    }
    expect(ack).toMatchObject({ duplicate: false, rejected: [] });
    expect(await server.headOf(USER)).toBe(4);
    expect(await server.stateOf(USER)).toEqual(expectedState(progressOps('tv', 1, 4)));
  }, 60_000);
});

describe('the store option', () => {
  it('refuses a store URL of an unknown scheme with STORE_URL', async () => {
    await expect(startSyncServer({ secret: SECRET, store: 'mysql://root@127.0.0.1/test' })).rejects.toMatchObject({
      name: 'SyncServerError',
      code: 'STORE_URL',
    });
    await expect(
      startSyncServer({ secret: SECRET, store: 'postgres://root@127.0.0.1:5432/test?schema=bad-name;' }),
    ).rejects.toMatchObject({ code: 'STORE_URL' });
    // PostgreSQL's own schemas: pg_* is refused by the server with a bare SQL error, and
    // information_schema would take the gateway's tables. Refused before connecting, so also here.
    // A libpq-style search_path in options would win over the gateway's schema (tables elsewhere).
    await expect(
      startSyncServer({
        secret: SECRET,
        store: 'postgres://root@127.0.0.1:1/test?schema=gw&options=-c%20search_path%3Dpublic',
      }),
    ).rejects.toMatchObject({ code: 'STORE_URL', message: expect.stringContaining('?schema=NAME') });
    for (const schema of ['pg_gateway', 'information_schema']) {
      await expect(
        startSyncServer({ secret: SECRET, store: `postgres://root@127.0.0.1:1/test?schema=${schema}` }),
      ).rejects.toMatchObject({ code: 'STORE_URL', message: expect.stringContaining(schema) });
    }
  });

  it('fails with STORE_UNREACHABLE naming the server (password hidden) when nothing answers', async () => {
    const port = await closedPort();
    const failure = await startSyncServer({
      secret: SECRET,
      store: `postgres://root:hunter2@127.0.0.1:${port}/test`,
    }).then(
      () => undefined,
      (error: unknown) => error as Error & { code?: string },
    );
    expect(failure).toMatchObject({ name: 'SyncServerError', code: 'STORE_UNREACHABLE' });
    expect(failure?.message).toContain(`127.0.0.1:${port}`);
    expect(failure?.message).not.toContain('hunter2');
  });
});
