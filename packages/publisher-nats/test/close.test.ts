import { randomUUID } from 'node:crypto';
import { type FaultProxy, sampleFrame, startFaultProxy, suiteCodec } from '@media-sync/publisher-conformance';
import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import { createNatsPublisher, createNatsSubscriber, deleteNatsStream } from '../src/index.js';

const { endpoint, missing } = inject('nats');
const timeoutMs = 1_000;

describe.skipIf(missing !== undefined)('closing', () => {
  let proxy: FaultProxy;
  let prefix: string;
  beforeEach(async () => {
    proxy = await startFaultProxy(endpoint as { host: string; port: number });
    prefix = `t${randomUUID().replaceAll('-', '').slice(0, 12)}`;
  });
  afterEach(async () => {
    await proxy.close();
    await deleteNatsStream({ servers: `nats://${endpoint?.host}:${endpoint?.port}`, prefix });
  });

  it('a subscriber whose onFrame never settles, with the server gone, closes within its bound', async () => {
    const subscriber = createNatsSubscriber({
      servers: `nats://${proxy.endpoint.host}:${proxy.endpoint.port}`,
      prefix,
      deviceId: 'tv',
      timeoutMs,
    });
    const publisher = createNatsPublisher({ servers: `nats://${endpoint?.host}:${endpoint?.port}`, prefix, timeoutMs });
    const handedOver = new Promise<void>((resolve) => {
      void subscriber.subscribe('u', () => {
        resolve();
        return new Promise<void>(() => undefined);
      });
    });
    await publisher.publish(sampleFrame(await suiteCodec(), 'u', 'phone', 1));
    await handedOver;
    await proxy.down();
    const started = performance.now();
    await subscriber.close();
    // Three bounded steps (the frame, the consumer, the connection), each at most timeoutMs.
    expect(performance.now() - started).toBeLessThan(timeoutMs * 3 + 500);
    await publisher.close();
  }, 30_000);

  it('a publisher still connecting to a server that is down closes within its bound', async () => {
    await proxy.down();
    const publisher = createNatsPublisher({
      servers: `nats://${proxy.endpoint.host}:${proxy.endpoint.port}`,
      prefix,
      timeoutMs,
    });
    const attempt = publisher.publish(sampleFrame(await suiteCodec(), 'u', 'phone', 1)).catch((error) => error);
    const started = performance.now();
    await publisher.close();
    expect(performance.now() - started).toBeLessThan(timeoutMs * 2 + 500);
    expect((await attempt).code).toMatch(/UNAVAILABLE|CLOSED|DISCONNECTED/);
    expect(publisher.connectionState).toBe('offline');
  }, 30_000);
});
