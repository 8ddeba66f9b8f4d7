import { EventEmitter } from 'node:events';
import type { Codec } from '@media-sync/codec';
import { decodeGatewayMessage, type GatewayMessage, type SequencedOperation } from '@media-sync/protocol';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { WebSocket } from 'ws';
import { Delivery } from '../src/delivery.js';
import type { Fanout, FanoutHandlers, FanoutNotice } from '../src/fanout.js';
import type { ConnectionFlow } from '../src/flow.js';
import { resolveLimits } from '../src/limits.js';
import { newCounters, type Session } from '../src/session.js';
import type { GatewayStore, LogEntry, PendingCommand } from '../src/store.js';
import { commandOp, eventually, progressOps, codec as sharedCodec } from './helpers.js';

const USER = 'user-1';

/**
 * The store as several instances see it: one log per user and one command box, written by
 * whoever commits. Reads answer after `delay()` timer turns, so commits and notices interleave
 * with them as they do against a database.
 */
class SharedStoreDouble {
  readonly log: LogEntry[] = [];
  readonly commands: (PendingCommand & { target: string })[] = [];
  delay: () => number = () => 0;
  #nextCommandId = 1;

  /** Logs ops as another instance's commit would: positions after the head. */
  append(ops: readonly SequencedOperation[]): number {
    for (const entry of ops) this.log.push({ logSeq: this.log.length + 1, entry });
    return this.log.length;
  }

  storeCommand(target: string, entry: SequencedOperation): number {
    const id = this.#nextCommandId++;
    this.commands.push({ id, entry, expiresAt: Date.now() + 60_000, target });
    return id;
  }

  /** Reads now, answers `delay()` timer turns later: what was committed meanwhile is not in the answer. */
  async #after<T>(read: () => T): Promise<T> {
    const answer = read();
    for (let i = this.delay(); i > 0; i--) await new Promise((resolve) => setTimeout(resolve, 0));
    return answer;
  }

  readonly view = {
    logAfter: (_userId: string, logSeq: number, limit: number) =>
      this.#after(() => this.log.filter((row) => row.logSeq > logSeq).slice(0, limit)),
    head: (_userId: string) => this.#after(() => this.log.length),
    pendingCommands: (_userId: string, deviceId: string) =>
      this.#after(() => this.commands.filter((command) => command.target === deviceId)),
    deleteCommand: (id: number) =>
      this.#after(() => {
        const at = this.commands.findIndex((command) => command.id === id);
        if (at >= 0) this.commands.splice(at, 1);
        return at >= 0;
      }),
  };
}

/** A fan-out whose notices the test hands in by hand, recording what the instance publishes. */
function fanoutDouble() {
  let handlers: FanoutHandlers | undefined;
  const published: FanoutNotice[] = [];
  const watches = new Map<string, number>();
  const fanout: Fanout = {
    instanceId: 'this-instance',
    shared: true,
    async start(given) {
      handlers = given;
    },
    publish: (notice) => published.push(notice),
    async watch(userId) {
      watches.set(userId, (watches.get(userId) ?? 0) + 1);
    },
    unwatch(userId) {
      watches.set(userId, (watches.get(userId) ?? 0) - 1);
    },
    stats: () => ({ published: 0, received: 0, malformed: 0, deferred: 0, reconnects: 0, connected: true }),
    async close() {},
  };
  return {
    fanout,
    published,
    watches,
    notice: (notice: FanoutNotice) => handlers?.notice(notice),
    resumed: () => handlers?.resumed(),
  };
}

/** A subscriber connection that decodes what the gateway sends it. */
class Subscriber {
  readonly received: GatewayMessage[] = [];
  readonly session: Session;

  constructor(
    readonly deviceId: string,
    readonly codec: Codec,
  ) {
    const ws = Object.assign(new EventEmitter(), {
      OPEN: 1,
      readyState: 1,
      send: (data: Uint8Array, callback: (error?: Error) => void) => {
        this.#receive(data);
        setTimeout(() => callback(), 0);
      },
    });
    const flow = { send: (data: Uint8Array) => this.#receive(data), noteAck() {}, noteError() {} };
    this.session = {
      ws: ws as unknown as WebSocket,
      flow: flow as unknown as ConnectionFlow,
      userId: USER,
      deviceId,
      decoder: undefined as never,
      expiresAt: Number.MAX_SAFE_INTEGER,
      subscribed: false,
      live: false,
      cursor: 0,
      catchingUp: false,
      catchUpAgain: false,
      commands: undefined,
      lagMark: undefined,
      alive: true,
      sentFrames: false,
      holdsContext: false,
      // Delivery sends no ACK or ERROR, the only messages that are timed.
      frames: undefined as never,
      prometheus: undefined as never,
      log: undefined as never,
    };
  }

  #receive(data: Uint8Array): void {
    this.received.push(decodeGatewayMessage(data));
  }

  /** The seqs of every op sent to it, in order. */
  seqs(): number[] {
    return this.received.flatMap((message) =>
      message.type === 'fanout'
        ? this.codec.decodeFrame(message.frame, { userId: USER }).ops.map((entry) => entry.seq)
        : [],
    );
  }

  /** The highest cursor it was told (FANOUT and SYNCED). */
  cursor(): number {
    let cursor = 0;
    for (const message of this.received) {
      if (message.type === 'fanout' || message.type === 'synced') cursor = Math.max(cursor, message.cursor);
    }
    return cursor;
  }

  deliveryIds(): number[] {
    return this.received.flatMap((message) => (message.type === 'command' ? [message.deliveryId] : []));
  }
}

async function setup(options: { logPage?: number; sweepMs?: number } = {}) {
  const codec = await sharedCodec();
  const store = new SharedStoreDouble();
  const fanout = fanoutDouble();
  const lags: number[] = [];
  const failures: unknown[] = [];
  const delivery = new Delivery({
    codec,
    store: store.view as unknown as GatewayStore,
    counters: newCounters(),
    limits: { ...resolveLimits({}), logPage: options.logPage ?? 1000 },
    now: Date.now,
    fanout: fanout.fanout,
    onCatchUpFailure: (_session, error) => failures.push(error),
    onFanoutLag: (ms) => lags.push(ms),
  });
  await delivery.start(options.sweepMs ?? 0);
  const subscriber = (deviceId: string, since = 0) => {
    const made = new Subscriber(deviceId, codec);
    delivery.subscribe(made.session, since);
    return made;
  };
  return { codec, store, fanout, delivery, lags, failures, subscriber };
}

/** Ops numbered by their log position: seq n sits at position n. */
function opsAt(store: SharedStoreDouble, deviceId: string, count: number): SequencedOperation[] {
  return progressOps(deviceId, store.log.length + 1, count, USER);
}

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe('delivery between instances (store double)', () => {
  it("sends a subscriber the log after its cursor on another instance's notice, once", async () => {
    const { store, fanout, subscriber, lags } = await setup({ logPage: 2 });
    store.append(opsAt(store, 'phone', 2));
    const tv = subscriber('tv');
    await eventually(() => tv.session.live);
    expect(tv.seqs()).toEqual([1, 2]);
    const committedAt = Date.now();
    store.append(opsAt(store, 'phone', 3));
    fanout.notice({ kind: 'head', userId: USER, head: 5, committedAt });
    fanout.notice({ kind: 'head', userId: USER, head: 5, committedAt });
    await eventually(() => tv.cursor() === 5);
    // A stale notice and a repeated one send nothing more.
    fanout.notice({ kind: 'head', userId: USER, head: 4, committedAt });
    fanout.notice({ kind: 'head', userId: USER, head: 5, committedAt });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(tv.seqs()).toEqual(range(1, 5));
    expect(lags).toHaveLength(1);
    expect(lags[0]).toBeGreaterThanOrEqual(0);
  });

  it('catches a subscriber up from the store when a local commit lands after positions it has not been sent', async () => {
    const { store, delivery, subscriber, fanout } = await setup();
    store.append(opsAt(store, 'phone', 2));
    const tv = subscriber('tv');
    const laptop = subscriber('laptop');
    await eventually(() => tv.session.live && laptop.session.live);
    // Another instance logs 3..4, its notice is lost; this instance then logs 5..6 live.
    store.append(opsAt(store, 'remote', 2));
    const local = opsAt(store, 'phone', 2);
    const head = store.append(local);
    delivery.fanOut(USER, 'phone', local, head);
    await eventually(() => tv.cursor() === 6 && laptop.cursor() === 6);
    expect(tv.seqs()).toEqual(range(1, 6));
    expect(laptop.seqs()).toEqual(range(1, 6));
    expect(fanout.published).toEqual([expect.objectContaining({ kind: 'head', userId: USER, head: 6 })]);
    // Up to date now: the next local commit goes out live, as one frame.
    const next = opsAt(store, 'phone', 1);
    const sentBefore = tv.received.length;
    delivery.fanOut(USER, 'phone', next, store.append(next));
    expect(tv.received.slice(sentBefore)).toEqual([expect.objectContaining({ type: 'fanout', cursor: 7 })]);
  });

  it('tells the sending device only that its cursor moved when it is up to date, and catches it up when not', async () => {
    const { store, delivery, subscriber } = await setup();
    const phone = subscriber('phone');
    await eventually(() => phone.session.live);
    const own = opsAt(store, 'phone', 2);
    delivery.fanOut(USER, 'phone', own, store.append(own));
    expect(phone.received.at(-1)).toEqual({ type: 'synced', cursor: 2 });
    expect(phone.seqs()).toEqual([]);
    store.append(opsAt(store, 'remote', 1));
    const more = opsAt(store, 'phone', 1);
    delivery.fanOut(USER, 'phone', more, store.append(more));
    await eventually(() => phone.cursor() === 4);
    expect(phone.seqs()).toEqual([3, 4]);
  });

  it('sends every position to every subscriber exactly once, in order, whatever the interleaving of commits, notices and reads', async () => {
    const seed = Date.now();
    console.log(`delivery property seed ${seed}`);
    await fc.assert(
      fc.asyncProperty(
        fc.boolean(),
        fc.array(
          fc.oneof(
            fc.record({ kind: fc.constant('local' as const), ops: fc.integer({ min: 1, max: 3 }) }),
            fc.record({
              kind: fc.constant('remote' as const),
              ops: fc.integer({ min: 1, max: 3 }),
              notices: fc.integer({ min: 0, max: 2 }),
            }),
            fc.record({ kind: fc.constant('subscribe' as const), since: fc.nat(4) }),
            fc.record({ kind: fc.constant('wait' as const), turns: fc.integer({ min: 1, max: 4 }) }),
            // Every subscriber done reading: the next commit finds them live.
            fc.constant({ kind: 'settle' as const }),
          ),
          { minLength: 4, maxLength: 30, size: 'max' },
        ),
        fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 16 }),
        async (lossy, steps, delays) => {
          const { store, delivery, fanout, subscriber } = await setup({ logPage: 2 });
          let turn = 0;
          store.delay = () => delays[turn++ % delays.length] ?? 0;
          const subscribers: { made: Subscriber; since: number }[] = [];
          for (const step of steps) {
            if (step.kind === 'local') {
              const ops = opsAt(store, 'phone', step.ops);
              delivery.fanOut(USER, 'phone', ops, store.append(ops));
            } else if (step.kind === 'remote') {
              const head = store.append(opsAt(store, 'remote', step.ops));
              // Without loss every commit elsewhere is noticed at least once.
              const notices = lossy ? step.notices : Math.max(1, step.notices);
              for (let i = 0; i < notices; i++) {
                fanout.notice({ kind: 'head', userId: USER, head, committedAt: Date.now() });
              }
            } else if (step.kind === 'subscribe') {
              const since = Math.min(step.since, store.log.length);
              subscribers.push({ made: subscriber(`tv-${subscribers.length}`, since), since });
            } else if (step.kind === 'wait') {
              for (let i = 0; i < step.turns; i++) await new Promise((resolve) => setTimeout(resolve, 0));
            } else {
              await eventually(() => subscribers.every(({ made }) => !made.session.catchingUp));
            }
          }
          // What lost notices left behind, the sweep makes up for.
          if (lossy) await delivery.sweep({ commands: false });
          const head = store.log.length;
          await eventually(() => subscribers.every(({ made }) => made.cursor() === head && !made.session.catchingUp));
          for (const { made, since } of subscribers) {
            expect(made.seqs()).toEqual(range(since + 1, head));
            const cursors = made.received.flatMap((m) => (m.type === 'fanout' ? [m.cursor] : []));
            expect(cursors).toEqual([...cursors].sort((a, b) => a - b));
            expect(new Set(cursors).size).toBe(cursors.length);
          }
        },
      ),
      { numRuns: 60, seed },
    );
  }, 60_000);

  it("re-reads the target's command box on a command notice and sends each command once per connection", async () => {
    const { store, fanout, subscriber, delivery } = await setup();
    const tv = subscriber('tv');
    const phone = subscriber('phone');
    await eventually(() => tv.session.live && phone.session.live);
    const first = store.storeCommand('tv', commandOp('phone', 1, 'tv'));
    fanout.notice({ kind: 'command', userId: USER, deviceId: 'tv', committedAt: Date.now() });
    fanout.notice({ kind: 'command', userId: USER, deviceId: 'tv', committedAt: Date.now() });
    await eventually(() => tv.deliveryIds().length === 1);
    const second = store.storeCommand('tv', commandOp('phone', 2, 'tv'));
    // Stored and committed here: sent live, and the others are told.
    delivery.sendCommand(USER, 'tv', second, commandOp('phone', 2, 'tv'));
    fanout.notice({ kind: 'command', userId: USER, deviceId: 'tv', committedAt: Date.now() });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(tv.deliveryIds()).toEqual([first, second]);
    expect(phone.deliveryIds()).toEqual([]);
    expect(fanout.published).toEqual([expect.objectContaining({ kind: 'command', userId: USER, deviceId: 'tv' })]);
  });

  it('does not send an acknowledged command again when a re-read that started before the ack returns it', async () => {
    const { store, fanout, subscriber, delivery } = await setup();
    const id = store.storeCommand('tv', commandOp('phone', 1, 'tv'));
    const tv = subscriber('tv');
    await eventually(() => tv.deliveryIds().length === 1);
    // A slow re-read starts, then the ack deletes the command before it returns.
    store.delay = () => 5;
    fanout.notice({ kind: 'command', userId: USER, deviceId: 'tv', committedAt: Date.now() });
    store.delay = () => 0;
    const snapshot = [...store.commands];
    const deleted = await delivery.acknowledge(tv.session, id);
    expect(deleted).toBe(true);
    // Make the in-flight read return the command as if it had read before the delete.
    store.commands.push(...snapshot);
    await new Promise((resolve) => setTimeout(resolve, 30));
    store.commands.splice(0);
    expect(tv.deliveryIds()).toEqual([id]);
    expect(tv.session.commands?.acked.size).toBe(0);
  });

  it('reads a command box once at a time however many notices come: the reads do not grow with the box', async () => {
    const { store, fanout, subscriber } = await setup();
    const tv = subscriber('tv');
    await eventually(() => tv.session.commands?.inFlight === 0);
    let reads = 0;
    const read = store.view.pendingCommands;
    store.view.pendingCommands = (userId, deviceId) => {
      reads += 1;
      return read(userId, deviceId);
    };
    store.delay = () => 3;
    // A device on another instance sends 300 commands to tv, which does not ack: each notice
    // read the whole box, 300 reads of up to 300 commands (quadratic in a flood).
    const ids: number[] = [];
    for (let i = 1; i <= 300; i++) {
      ids.push(store.storeCommand('tv', commandOp('phone', i, 'tv')));
      fanout.notice({ kind: 'command', userId: USER, deviceId: 'tv', committedAt: Date.now() });
    }
    await eventually(() => tv.deliveryIds().length === 300);
    await eventually(() => tv.session.commands?.inFlight === 0);
    expect(tv.deliveryIds()).toEqual(ids);
    expect(reads).toBeLessThanOrEqual(2);
  });

  it('after the broker comes back, catches up every subscriber and re-reads every command box', async () => {
    const { store, fanout, subscriber } = await setup();
    const tv = subscriber('tv');
    const radio = subscriber('radio');
    await eventually(() => tv.session.live && radio.session.live);
    // Commits and a command elsewhere while the notices were lost.
    store.append(opsAt(store, 'remote', 3));
    const id = store.storeCommand('radio', commandOp('phone', 1, 'radio'));
    fanout.resumed();
    await eventually(() => tv.cursor() === 3 && radio.cursor() === 3 && radio.deliveryIds().length === 1);
    expect(tv.seqs()).toEqual([1, 2, 3]);
    expect(radio.deliveryIds()).toEqual([id]);
  });

  it('sweeps at its interval, so a lost notice costs at most that long', async () => {
    const { store, subscriber, delivery } = await setup({ sweepMs: 50 });
    const tv = subscriber('tv');
    await eventually(() => tv.session.live);
    store.append(opsAt(store, 'remote', 2));
    await eventually(() => tv.cursor() === 2, 2000);
    expect(tv.seqs()).toEqual([1, 2]);
    await delivery.close();
  });

  it('watches a user while it has subscribers here, and unwatches it with the last', async () => {
    const { subscriber, delivery, fanout } = await setup();
    const tv = subscriber('tv');
    const phone = subscriber('phone');
    expect(fanout.watches.get(USER)).toBe(2);
    delivery.closed(tv.session);
    delivery.closed(tv.session);
    expect(fanout.watches.get(USER)).toBe(1);
    delivery.closed(phone.session);
    expect(fanout.watches.get(USER)).toBe(0);
  });
});
