import { describePublisherConformance } from '@media-sync/publisher-conformance';
import { afterAll, beforeAll } from 'vitest';
import {
  createPubNubPublisher,
  createPubNubSubscriber,
  memoryPositions,
  type PubNubPositionStore,
} from '../src/index.js';
import { type PubNubStandIn, startPubNubStandIn } from '../src/stand-in.js';

// The service cannot be reached from here: the suite runs against the local stand-in of the
// endpoints the SDK calls, behind the suite's fault proxy. Each case gets key sets of its own.
const AUTH_KEY = 'right-auth-key';
let standIn: PubNubStandIn;
beforeAll(async () => {
  standIn = await startPubNubStandIn({ authKey: AUTH_KEY, longPollMs: 2_000 });
});
afterAll(async () => {
  await standIn.close();
});

const positions = new Map<string, PubNubPositionStore>();
const positionsOf = (namespace: string) => {
  let store = positions.get(namespace);
  if (store === undefined) {
    store = memoryPositions();
    positions.set(namespace, store);
  }
  return store;
};
const keys = (namespace: string) => ({ publishKey: `pub-${namespace}`, subscribeKey: `sub-${namespace}` });

describePublisherConformance({
  name: 'pubnub',
  get broker() {
    return { host: standIn.host, port: standIn.port };
  },
  createPublisher: ({ endpoint, namespace, timeoutMs }) =>
    createPubNubPublisher({
      ...keys(namespace),
      authKey: AUTH_KEY,
      origin: `${endpoint?.host}:${endpoint?.port}`,
      ssl: false,
      timeoutMs,
      probeIntervalMs: 200,
    }),
  createSubscriber: ({ endpoint, namespace, timeoutMs, deviceId }) =>
    createPubNubSubscriber({
      ...keys(namespace),
      authKey: AUTH_KEY,
      origin: `${endpoint?.host}:${endpoint?.port}`,
      ssl: false,
      timeoutMs,
      deviceId,
      positions: positionsOf(namespace),
      pollIntervalMs: 500,
    }),
  createRefusedPublisher: ({ endpoint, namespace, timeoutMs }) =>
    createPubNubPublisher({
      ...keys(namespace),
      authKey: 'wrong-auth-key',
      origin: `${endpoint?.host}:${endpoint?.port}`,
      ssl: false,
      timeoutMs,
    }),
  teardown: (namespace) => {
    positions.delete(namespace);
  },
});
