import { describePublisherConformance, type FaultProxy, startFaultProxy } from '@media-sync/publisher-conformance';
import type { ConnectionState, Publisher, Subscriber, Subscription } from '@media-sync/queue';
import { createToken, type SyncServer, startSyncServer } from '@media-sync/sync-server';
import { createWebSocketPublisher, createWebSocketSubscriber, type WebSocketSubscriber } from '../src/index.js';

// The receiver is the reference gateway, in process (its package lists this one as a test
// dependency, so it is reached through the workspace alias, not a dependency here). Each case
// gets a gateway of its own, and a fault proxy in front of it for the outage cases.
const SECRET = 'conformance-secret';
/**
 * Under the gateway's limits (256 KiB, 500 ops a frame): frames near it, of the suite's 200-character
 * ops, stay under 500 ops.
 */
const MAX_FRAME_BYTES = 64 * 1024;

interface Namespace {
  readonly gateway: SyncServer;
  readonly proxy: FaultProxy;
  /** A device's log cursor per (user, device), kept between its subscribers as an app keeps it. */
  readonly cursors: Map<string, number>;
}
const namespaces = new Map<string, Promise<Namespace>>();
const namespaceOf = (namespace: string): Promise<Namespace> => {
  let made = namespaces.get(namespace);
  if (made === undefined) {
    made = (async () => {
      const gateway = await startSyncServer({ secret: SECRET });
      const proxy = await startFaultProxy({ host: '127.0.0.1', port: gateway.port });
      return { gateway, proxy, cursors: new Map() };
    })();
    namespaces.set(namespace, made);
  }
  return made;
};

/**
 * The gateway authenticates one device of one user per connection, while a case publishes for
 * several devices and users through one publisher: one WebSocket publisher per (user, device),
 * made on its first frame, behind one `Publisher`.
 */
function perDevicePublisher(url: string, timeoutMs: number, secret = SECRET): Publisher {
  const links = new Map<string, Promise<Publisher>>();
  const listeners = new Set<(state: ConnectionState) => void>();
  let state: ConnectionState = 'offline';
  const linkOf = (userId: string, deviceId: string) => {
    const key = JSON.stringify([userId, deviceId]);
    let link = links.get(key);
    if (link === undefined) {
      link = createToken({ secret, userId, deviceId }).then((token) => {
        const publisher = createWebSocketPublisher({
          url,
          token,
          connectTimeoutMs: timeoutMs,
          ackTimeoutMs: timeoutMs,
          maxFrameBytes: MAX_FRAME_BYTES,
        });
        publisher.onConnectionState((next) => {
          state = next;
          for (const listener of [...listeners]) listener(next);
        });
        return publisher;
      });
      links.set(key, link);
    }
    return link;
  };
  // Only read: the name and capabilities the adapter declares (its connection is refused, unused).
  const probe = createWebSocketPublisher({ url, token: 'unused', maxFrameBytes: MAX_FRAME_BYTES });
  return {
    name: probe.name,
    capabilities: probe.capabilities,
    maxFrameBytes: MAX_FRAME_BYTES,
    get connectionState() {
      return state;
    },
    async publish(frame, options) {
      return (await linkOf(frame.userId, frame.deviceId)).publish(frame, options);
    },
    onConnectionState(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async close() {
      await probe.close();
      await Promise.all([...links.values()].map(async (link) => (await link).close()));
    },
  };
}

/** A device's subscriber per user, resuming from the cursor its last one reached. */
function resumingSubscriber(url: string, cursors: Map<string, number>, deviceId: string): Subscriber {
  const open = new Set<{ inner: WebSocketSubscriber; key: string }>();
  const save = (link: { inner: WebSocketSubscriber; key: string }) => {
    cursors.set(link.key, Math.max(cursors.get(link.key) ?? 0, link.inner.cursor));
  };
  return {
    async subscribe(userId, onFrame): Promise<Subscription> {
      const key = JSON.stringify([userId, deviceId]);
      const token = await createToken({ secret: SECRET, userId, deviceId });
      const inner = createWebSocketSubscriber({
        url,
        token,
        since: cursors.get(key) ?? 0,
      });
      const link = { inner, key };
      open.add(link);
      const subscription = await inner.subscribe(userId, onFrame);
      return {
        async unsubscribe() {
          await subscription.unsubscribe();
          save(link);
        },
      };
    },
    async close() {
      for (const link of open) {
        await link.inner.close();
        save(link);
      }
    },
  };
}

describePublisherConformance({
  name: 'websocket',
  faults: (namespace) => {
    const made = namespaceOf(namespace);
    return {
      down: async () => (await made).proxy.down(),
      up: async () => (await made).proxy.up(),
      cutNextPublish: async (options) => (await made).proxy.cutNextPublish(options),
    };
  },
  createPublisher: async ({ namespace, timeoutMs, viaFaults }) => {
    const { gateway, proxy } = await namespaceOf(namespace);
    return perDevicePublisher(viaFaults ? `ws://127.0.0.1:${proxy.endpoint.port}` : gateway.url, timeoutMs);
  },
  createSubscriber: async ({ namespace, deviceId }) => {
    const { gateway, cursors } = await namespaceOf(namespace);
    return resumingSubscriber(gateway.url, cursors, deviceId);
  },
  createRefusedPublisher: async ({ namespace, timeoutMs }) => {
    const { gateway } = await namespaceOf(namespace);
    return perDevicePublisher(gateway.url, timeoutMs, 'another-secret');
  },
  teardown: async (namespace) => {
    const made = namespaces.get(namespace);
    namespaces.delete(namespace);
    if (made === undefined) return;
    const { gateway, proxy } = await made;
    await proxy.close();
    await gateway.close();
  },
});
