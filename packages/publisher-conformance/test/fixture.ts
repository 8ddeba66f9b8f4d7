import type { ConnectionState, Publisher, Subscriber } from '@media-sync/queue';
import { PublisherError } from '@media-sync/queue';
import type { FaultControl } from '../src/index.js';

/** A bug a fixture can be given, each one caught by a conformance case. */
export type FixtureBug =
  | 'acksWithoutStoring'
  | 'reordersFrames'
  | 'declaresDedupeWithoutIt'
  | 'topicsByFirstLetter'
  | 'ignoresMaxFrameBytes'
  | 'hangsWhenDown'
  | 'plainErrorWhenDown'
  | 'subscribersRestartFromTheStart'
  | 'acceptsAnyCredentials'
  | 'acksWhenCut';

interface Entry {
  readonly id: string;
  readonly bytes: Uint8Array;
}

/** A tiny in-process broker: a log per topic, a cursor per (topic, device), faults on demand. */
class FixtureBroker implements FaultControl {
  readonly logs = new Map<string, Entry[]>();
  readonly cursors = new Map<string, number>();
  readonly listeners = new Map<string, Set<() => void>>();
  readonly stateListeners = new Set<(state: ConnectionState) => void>();
  isDown = false;
  cut: { delivered: boolean; done: () => void } | undefined;

  async down() {
    this.isDown = true;
    for (const listener of [...this.stateListeners]) listener('offline');
  }
  async up() {
    this.isDown = false;
  }
  cutNextPublish(options: { readonly delivered: boolean }) {
    return new Promise<void>((resolve) => {
      this.cut = { delivered: options.delivered, done: resolve };
    });
  }
  /** Per device, a frame the `reordersFrames` bug holds back until the device's next one. */
  readonly heldBack = new Map<string, Entry>();
  append(topic: string, entry: Entry, reorderFor?: string) {
    const log = this.logs.get(topic) ?? [];
    this.logs.set(topic, log);
    const held = reorderFor === undefined ? undefined : this.heldBack.get(reorderFor);
    if (reorderFor !== undefined && held === undefined) {
      this.heldBack.set(reorderFor, entry);
      return;
    }
    log.push(entry);
    if (held !== undefined && reorderFor !== undefined) {
      this.heldBack.delete(reorderFor);
      log.push(held);
    }
    for (const wake of this.listeners.get(topic) ?? []) wake();
  }
}

const brokers = new Map<string, FixtureBroker>();
export function brokerFor(namespace: string): FixtureBroker {
  let broker = brokers.get(namespace);
  if (broker === undefined) {
    broker = new FixtureBroker();
    brokers.set(namespace, broker);
  }
  return broker;
}

export function forgetBroker(namespace: string): void {
  brokers.delete(namespace);
}

const topicOf = (userId: string, bugs: ReadonlySet<FixtureBug>) =>
  bugs.has('topicsByFirstLetter') ? userId.slice(0, 1) : JSON.stringify(userId);

export function createFixturePublisher(
  namespace: string,
  options: { timeoutMs: number; bugs?: readonly FixtureBug[]; refused?: boolean },
): Publisher {
  const broker = brokerFor(namespace);
  const bugs = new Set(options.bugs ?? []);
  let state: ConnectionState = 'online';
  const listener = (next: ConnectionState) => {
    state = next;
  };
  broker.stateListeners.add(listener);
  return {
    name: 'fixture',
    capabilities: { sessionContext: false, dedupe: true },
    maxFrameBytes: 64 * 1024,
    get connectionState() {
      return state;
    },
    async publish(frame) {
      if (options.refused && !bugs.has('acceptsAnyCredentials')) {
        throw new PublisherError('UNAUTHORIZED', 'fixture refuses these credentials');
      }
      if (broker.isDown) {
        state = 'offline';
        if (bugs.has('hangsWhenDown')) return new Promise(() => undefined);
        if (bugs.has('plainErrorWhenDown')) throw new Error('connection refused');
        throw new PublisherError('UNAVAILABLE', 'fixture broker is down');
      }
      state = 'online';
      const { bytes, metrics } = frame.selfContained();
      if (bytes.length > 64 * 1024 && !bugs.has('ignoresMaxFrameBytes')) {
        throw new PublisherError('FRAME_TOO_LARGE', `frame of ${bytes.length} bytes`);
      }
      const id = `${frame.deviceId}:${frame.firstSeq}-${frame.lastSeq}`;
      const topic = topicOf(frame.userId, bugs);
      const cut = broker.cut;
      if (cut) {
        broker.cut = undefined;
        if (cut.delivered) broker.append(topic, { id, bytes });
        cut.done();
        if (bugs.has('acksWhenCut')) return { duplicate: false, rejected: [], metrics };
        throw new PublisherError('DISCONNECTED', 'fixture connection cut');
      }
      const duplicate = !bugs.has('declaresDedupeWithoutIt') && (broker.logs.get(topic) ?? []).some((e) => e.id === id);
      if (!duplicate && !bugs.has('acksWithoutStoring')) {
        broker.append(
          topic,
          { id, bytes: Uint8Array.from(bytes) },
          bugs.has('reordersFrames') ? frame.deviceId : undefined,
        );
      }
      return { duplicate, rejected: [], metrics };
    },
    onConnectionState(stateListener) {
      broker.stateListeners.add(stateListener);
      return () => broker.stateListeners.delete(stateListener);
    },
    async close() {
      broker.stateListeners.delete(listener);
    },
  };
}

export function createFixtureSubscriber(
  namespace: string,
  deviceId: string,
  options: { bugs?: readonly FixtureBug[] } = {},
): Subscriber {
  const broker = brokerFor(namespace);
  const bugs = new Set(options.bugs ?? []);
  const stops = new Set<() => Promise<void>>();
  return {
    async subscribe(userId, onFrame) {
      const topic = topicOf(userId, bugs);
      const cursorKey = `${topic}\n${deviceId}`;
      let position = bugs.has('subscribersRestartFromTheStart') ? 0 : (broker.cursors.get(cursorKey) ?? 0);
      let stopped = false;
      let chain = Promise.resolve();
      const pump = () => {
        chain = chain.then(async () => {
          const log = broker.logs.get(topic) ?? [];
          while (!stopped && position < log.length) {
            const entry = log[position] as Entry;
            await onFrame({ bytes: entry.bytes, transportId: String(position) });
            position += 1;
            broker.cursors.set(cursorKey, position);
          }
        });
      };
      const listeners = broker.listeners.get(topic) ?? new Set();
      broker.listeners.set(topic, listeners);
      listeners.add(pump);
      pump();
      const stop = async () => {
        stopped = true;
        listeners.delete(pump);
        await chain;
      };
      stops.add(stop);
      return { unsubscribe: stop };
    },
    async close() {
      await Promise.all([...stops].map((stop) => stop()));
    },
  };
}
