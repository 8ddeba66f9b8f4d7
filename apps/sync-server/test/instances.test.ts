import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { startFaultProxy } from '@media-sync/publisher-conformance';
import { createWebSocketPublisher, createWebSocketSubscriber } from '@media-sync/publisher-websocket';
import { describe, expect, inject, it } from 'vitest';
import { createLocalFanout, type Fanout } from '../src/fanout.js';
import { type GatewayStore, openGatewayStore, type SyncServer, startSyncServer } from '../src/index.js';
import { codec, commandOp, deferCleanup, eventually, outgoing, progressOps, SECRET, token, USER } from './helpers.js';

const nats = inject('nats');
const natsUrl = nats.endpoint && `nats://${nats.endpoint.host}:${nats.endpoint.port}`;

/**
 * Two gateways on one store, as two instances on one PostgreSQL: here one SQLite store object
 * both write (the store is shared; what this tests is what goes between the instances).
 */
async function sharedStore(): Promise<GatewayStore> {
  const { mkdtempSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const dir = mkdtempSync(join(tmpdir(), 'media-sync-instances-'));
  const store = await openGatewayStore(join(dir, 'gateway.db'));
  deferCleanup(() => rmSync(dir, { recursive: true, force: true }));
  deferCleanup(() => store.close());
  return store;
}

async function instance(store: GatewayStore, fanout: string | Fanout, options: { sweepMs?: number; prefix: string }) {
  const server = await startSyncServer({
    secret: SECRET,
    store,
    codec: await codec(),
    fanout,
    fanoutSubjectPrefix: options.prefix,
    fanoutSweepMs: options.sweepMs ?? 60_000,
  });
  deferCleanup(() => server.close());
  return server;
}

/** A device's subscriber on `server`, counting the command frames it is handed. */
async function subscriberOn(server: SyncServer, deviceId: string) {
  const subscriber = createWebSocketSubscriber({ url: server.url, token: await token(deviceId) });
  const seen = { commands: 0, frames: 0 };
  const subscription = await subscriber.subscribe(USER, (frame) => {
    if (frame.transportId?.startsWith('command:')) seen.commands += 1;
    else seen.frames += 1;
  });
  deferCleanup(async () => {
    await subscription.unsubscribe();
    await subscriber.close();
  });
  return { subscriber, seen };
}

async function publisherOn(server: SyncServer, deviceId: string) {
  const publisher = createWebSocketPublisher({ url: server.url, token: await token(deviceId), codec: await codec() });
  deferCleanup(() => publisher.close());
  return publisher;
}

function prefix(): string {
  return `media-sync.test.t${randomUUID().replaceAll('-', '').slice(0, 12)}`;
}

describe.skipIf(natsUrl === undefined)('gateway instances on one store, fan-out over NATS', () => {
  it("sends an op accepted on one instance to the user's subscriber on another, and a command there once", async () => {
    const store = await sharedStore();
    const run = prefix();
    const a = await instance(store, natsUrl as string, { prefix: run });
    const b = await instance(store, natsUrl as string, { prefix: run });
    const tv = await subscriberOn(b, 'tv');
    await tv.subscriber.waitForCursor(0);
    const phone = await publisherOn(a, 'phone');
    await phone.publish(await outgoing(progressOps('phone', 1, 3)));
    await tv.subscriber.waitForCursor(3, 10_000);
    await phone.publish(await outgoing([commandOp('phone', 4, 'tv', { expiresAt: Date.now() + 60_000 })]));
    await eventually(() => tv.seen.commands === 1, 10_000);
    // The ack reaches the store's box through B; the command is never sent again.
    const deadline = Date.now() + 10_000;
    while ((await store.pendingCommands(USER, 'tv', Date.now())).length > 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(await store.pendingCommands(USER, 'tv', Date.now())).toEqual([]);
    await phone.publish(await outgoing(progressOps('phone', 5, 1)));
    await tv.subscriber.waitForCursor(4, 10_000);
    expect(tv.seen.commands).toBe(1);
    expect(a.metrics().fanoutNoticesPublished).toBeGreaterThanOrEqual(3);
    expect(b.metrics().fanoutNoticesReceived).toBeGreaterThanOrEqual(3);
    const metrics = await (await fetch(`${b.url.replace('ws:', 'http:')}/metrics`)).text();
    expect(metrics).toMatch(/media_sync_fanout_lag_seconds_count\{path="remote"\} [1-9]/);
  });

  it('keeps serving its own connections while NATS is away, and the other instance gets the changes when it is back', async () => {
    const store = await sharedStore();
    const run = prefix();
    const proxy = await startFaultProxy(nats.endpoint as { host: string; port: number });
    deferCleanup(() => proxy.close());
    const a = await instance(store, `nats://127.0.0.1:${proxy.endpoint.port}`, { prefix: run });
    const b = await instance(store, natsUrl as string, { prefix: run });
    const laptop = await subscriberOn(a, 'laptop');
    const tv = await subscriberOn(b, 'tv');
    await Promise.all([laptop.subscriber.waitForCursor(0), tv.subscriber.waitForCursor(0)]);
    await proxy.down();
    const phone = await publisherOn(a, 'phone');
    const ack = await phone.publish(await outgoing(progressOps('phone', 1, 5)));
    expect(ack.rejected).toEqual([]);
    await laptop.subscriber.waitForCursor(5, 10_000);
    // B has no way to learn of it: no notice, and its sweep is a minute away.
    expect(tv.subscriber.cursor).toBe(0);
    await proxy.up();
    await tv.subscriber.waitForCursor(5, 15_000);
    // The NATS client may flush the notices it held before it reports the reconnect.
    await eventually(() => a.metrics().fanoutReconnects >= 1, 10_000);
  });

  it('makes up for a lost notice with the sweep', async () => {
    const store = await sharedStore();
    const run = prefix();
    // An instance whose notices all get lost.
    const a = await instance(store, createLocalFanout(), { prefix: run });
    const b = await instance(store, natsUrl as string, { prefix: run, sweepMs: 200 });
    const tv = await subscriberOn(b, 'tv');
    await tv.subscriber.waitForCursor(0);
    const phone = await publisherOn(a, 'phone');
    await phone.publish(await outgoing(progressOps('phone', 1, 2)));
    await tv.subscriber.waitForCursor(2, 10_000);
    expect(tv.seen.frames).toBeGreaterThan(0);
  });
});
