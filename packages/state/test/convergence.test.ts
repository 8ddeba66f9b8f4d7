import { compareHlc, type SequencedOperation, type SyncOperation } from '@media-sync/protocol';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createReplica, type ReplicaSnapshot, type UserStateReplica } from '../src/index.js';
import { hasTrace, loadTrace, propertySeed, shuffle } from './helpers.js';

const seed = propertySeed('convergence.test.ts');
const DEVICES = ['phone-1', 'tv-living-room', 'web-chrome'] as const;

// Tiny id and clock ranges on purpose: collisions (same register, equal physicalMs and logical
// on different nodes, one command id sent twice) are where merge bugs live.
const opArb: fc.Arbitrary<SyncOperation> = fc.oneof(
  fc.record({
    type: fc.constantFrom('watchlistAdd' as const, 'watchlistRemove' as const),
    userId: fc.constantFrom('u1', 'u2'),
    contentId: fc.constantFrom('c1', 'c2', 'c3'),
    timestamp: fc.integer({ min: 0, max: 20 }),
  }),
  fc.record(
    {
      type: fc.constant('progressUpdate' as const),
      userId: fc.constantFrom('u1', 'u2'),
      contentId: fc.constantFrom('c1', 'c2', 'c3'),
      positionMs: fc.integer({ min: 0, max: 1_000 }),
      durationMs: fc.integer({ min: 0, max: 1_000 }),
      state: fc.constantFrom('playing' as const, 'paused' as const, 'stopped' as const, 'completed' as const),
      timestamp: fc.integer({ min: 0, max: 20 }),
    },
    { requiredKeys: ['type', 'userId', 'contentId', 'positionMs', 'state', 'timestamp'] },
  ),
  fc.record(
    {
      type: fc.constant('deviceCommand' as const),
      commandId: fc.constantFrom('k1', 'k2', 'k3'),
      sourceDeviceId: fc.constantFrom(...DEVICES),
      targetDeviceId: fc.constantFrom(...DEVICES),
      commandType: fc.constantFrom('pause', 'seek'),
      payload: fc.oneof(fc.constant(null), fc.record({ positionMs: fc.nat(100) })),
      timestamp: fc.integer({ min: 0, max: 20 }),
      expiresAt: fc.integer({ min: 20, max: 40 }),
    },
    { requiredKeys: ['type', 'commandId', 'sourceDeviceId', 'targetDeviceId', 'commandType', 'payload', 'timestamp'] },
  ),
);

/** Ops with a unique `(deviceId, seq)` each: seqs count up per device in generation order. */
const opsArb: fc.Arbitrary<SequencedOperation[]> = fc
  .array(
    fc.record({
      deviceId: fc.constantFrom(...DEVICES),
      physicalMs: fc.integer({ min: 0, max: 6 }),
      logical: fc.integer({ min: 0, max: 2 }),
      op: opArb,
    }),
    { maxLength: 40 },
  )
  .map((drafts) => {
    const seqs = new Map<string, number>();
    return drafts.map(({ deviceId, physicalMs, logical, op }) => {
      const seq = (seqs.get(deviceId) ?? 0) + 1;
      seqs.set(deviceId, seq);
      return { deviceId, seq, hlc: { physicalMs, logical, nodeId: deviceId }, op };
    });
  });

/** How one replica receives the ops: its own shuffle, and some ops delivered again. */
const deliveryArb = fc.record({ shuffleSeed: fc.integer(), repeats: fc.array(fc.nat(), { maxLength: 20 }) });
type Delivery = { shuffleSeed: number; repeats: number[] };

function deliver(ops: readonly SequencedOperation[], { shuffleSeed, repeats }: Delivery): SequencedOperation[] {
  const again = ops.length === 0 ? [] : repeats.map((i) => ops[i % ops.length] as SequencedOperation);
  return shuffle([...ops, ...again], shuffleSeed);
}

function replicaOf(ops: readonly SequencedOperation[]): UserStateReplica {
  const replica = createReplica();
  for (const op of ops) replica.apply(op);
  return replica;
}

function merged(...replicas: UserStateReplica[]): ReplicaSnapshot {
  const [first, ...rest] = replicas;
  if (first === undefined) throw new Error('no replica');
  const result = first.clone();
  for (const replica of rest) result.merge(replica);
  return result.snapshot();
}

/** Which of the three replicas saw each op: a bitmask 1..7 (every op reaches at least one). */
const partitionArb = (length: number) =>
  fc.array(fc.integer({ min: 1, max: 7 }), { minLength: length, maxLength: length });

function split(ops: readonly SequencedOperation[], masks: readonly number[], deliveries: readonly Delivery[]) {
  return [0, 1, 2].map((r) =>
    replicaOf(
      deliver(
        ops.filter((_, i) => ((masks[i] ?? 7) & (1 << r)) !== 0),
        deliveries[r] as Delivery,
      ),
    ),
  );
}

/** The op-based laws: any order and any repetition of the same ops gives the same snapshot. */
function checkOpBased(ops: readonly SequencedOperation[], deliveries: readonly Delivery[]): void {
  const expected = replicaOf(ops).snapshot();
  for (const delivery of deliveries) expect(replicaOf(deliver(ops, delivery)).snapshot()).toEqual(expected);
}

/** The state-based laws of a join: commutative, associative, idempotent, and equal to op-based. */
function checkStateBased(
  ops: readonly SequencedOperation[],
  masks: readonly number[],
  deliveries: readonly Delivery[],
): void {
  const [a, b, c] = split(ops, masks, deliveries) as [UserStateReplica, UserStateReplica, UserStateReplica];
  const all = replicaOf(ops).snapshot();
  expect(merged(a, b)).toEqual(merged(b, a));
  const ab = a.clone();
  ab.merge(b);
  const bc = b.clone();
  bc.merge(c);
  expect(merged(ab, c)).toEqual(merged(a, bc));
  expect(merged(a, a)).toEqual(a.snapshot());
  expect(merged(ab, b)).toEqual(ab.snapshot());
  expect(merged(a, b, c)).toEqual(all);
  expect(merged(c, a, b)).toEqual(all);
}

describe('convergence of generated ops on three replicas', () => {
  it('op-based apply: any interleaving and duplication converges', () => {
    fc.assert(
      fc.property(opsArb, fc.tuple(deliveryArb, deliveryArb, deliveryArb), (ops, deliveries) => {
        checkOpBased(ops, deliveries);
      }),
      { seed, numRuns: 300 },
    );
  });

  it('state-based merge: commutative, associative, idempotent, equal to applying every op', () => {
    fc.assert(
      fc.property(
        opsArb.chain((ops) => fc.tuple(fc.constant(ops), partitionArb(ops.length))),
        fc.tuple(deliveryArb, deliveryArb, deliveryArb),
        ([ops, masks], deliveries) => {
          checkStateBased(ops, masks, deliveries);
        },
      ),
      { seed, numRuns: 300 },
    );
  });

  it('a command taken from any replica is never delivered again after merges', () => {
    fc.assert(
      fc.property(
        opsArb.chain((ops) => fc.tuple(fc.constant(ops.map(oneCommandPerId)), partitionArb(ops.length))),
        fc.tuple(deliveryArb, deliveryArb, deliveryArb),
        fc.array(fc.record({ replica: fc.nat(2), device: fc.constantFrom(...DEVICES), now: fc.nat(45) }), {
          maxLength: 6,
        }),
        ([ops, masks], deliveries, takes) => {
          const replicas = split(ops, masks, deliveries);
          const delivered: string[] = [];
          const deliveredBy: string[][] = [[], [], []];
          // Time only moves forward: takes happen in order of their `now`. Replicas that have not
          // merged yet deliver independently (only the gateway's replica delivers in practice),
          // so "once" is checked per replica, and for everything after the merge.
          const timeline = [...takes].sort((x, y) => x.now - y.now);
          for (const { replica, device, now } of timeline) {
            for (const entry of (replicas[replica] as UserStateReplica).takeCommands(device, now)) {
              expect(now).toBeLessThanOrEqual(entry.command.expiresAt as number);
              expect(entry.command.targetDeviceId).toBe(device);
              expect(deliveredBy[replica]).not.toContain(entry.command.commandId);
              deliveredBy[replica]?.push(entry.command.commandId);
              delivered.push(entry.command.commandId);
            }
          }
          const [a, b, c] = replicas as [UserStateReplica, UserStateReplica, UserStateReplica];
          expect(merged(a, b, c)).toEqual(merged(c, b, a));
          const everything = a.clone();
          everything.merge(b);
          everything.merge(c);
          const later = timeline.at(-1)?.now ?? 0;
          for (const device of DEVICES) {
            for (const entry of everything.takeCommands(device, later)) {
              expect(delivered).not.toContain(entry.command.commandId);
            }
          }
        },
      ),
      { seed, numRuns: 200 },
    );
  });
});

/**
 * A command id names one command: a device re-sends the same op under it, never another one.
 * (Replicas still converge when ids are reused, see above, but "delivered once" is per command.)
 */
function oneCommandPerId(sequenced: SequencedOperation): SequencedOperation {
  if (sequenced.op.type !== 'deviceCommand') return sequenced;
  const index = Number(sequenced.op.commandId.slice(1));
  const op: SyncOperation = {
    type: 'deviceCommand',
    commandId: sequenced.op.commandId,
    sourceDeviceId: 'phone-1',
    targetDeviceId: DEVICES[index % DEVICES.length] as string,
    commandType: 'pause',
    payload: null,
    timestamp: 0,
    expiresAt: 10 * index,
  };
  return { ...sequenced, op };
}

describe.skipIf(!hasTrace)('convergence on the standard trace (standard-20k.jsonl)', () => {
  const trace = hasTrace ? loadTrace() : [];

  it('gives the same state for all 20 000 ops in trace order, reversed, and merged per device', () => {
    expect(trace).toHaveLength(20_000);
    const inOrder = replicaOf(trace);
    const reversed = replicaOf([...trace].reverse());
    const perDevice = DEVICES.map((device) => replicaOf(trace.filter((op) => op.deviceId === device)));
    const snapshot = inOrder.snapshot();
    expect(reversed.snapshot()).toEqual(snapshot);
    expect(merged(...perDevice)).toEqual(snapshot);
    expect(snapshot.seqs.map(({ deviceId, upTo, above }) => [deviceId, upTo, above.length])).toEqual([
      ['phone-1', 5_667, 0],
      ['tv-living-room', 6_128, 0],
      ['web-chrome', 8_205, 0],
    ]);
  });

  it('matches a naive model: each register holds its op with the greatest HLC', () => {
    const latest = new Map<string, SequencedOperation>();
    for (const op of trace) {
      if (op.op.type === 'deviceCommand') continue;
      const key = `${op.op.type === 'progressUpdate' ? 'p' : 'w'}|${op.op.userId}|${op.op.contentId}`;
      const current = latest.get(key);
      if (current === undefined || compareHlc(op.hlc, current.hlc) > 0) latest.set(key, op);
    }
    const snapshot = replicaOf(shuffle(trace, seed)).snapshot();
    const progressModel = [...latest.entries()].filter(([key]) => key.startsWith('p|'));
    expect(snapshot.progress).toHaveLength(progressModel.length);
    for (const entry of snapshot.progress) {
      const winner = latest.get(`p|${entry.userId}|${entry.contentId}`);
      expect(winner?.op).toMatchObject({ positionMs: entry.positionMs, timestamp: entry.timestamp });
      expect(winner?.hlc).toEqual(entry.hlc);
    }
    for (const entry of snapshot.watchlist) {
      expect(latest.get(`w|${entry.userId}|${entry.contentId}`)?.op.type).toBe(
        entry.member ? 'watchlistAdd' : 'watchlistRemove',
      );
    }
    expect(snapshot.commands).toHaveLength(trace.filter((op) => op.op.type === 'deviceCommand').length);
  });

  // Windows of the trace keep each run fast while still hitting real id, clock and command mixes.
  const position = new Map(trace.map((op, i) => [op, i]));
  const watchlistOps = trace.filter((op) => op.op.type === 'watchlistAdd' || op.op.type === 'watchlistRemove');
  const windowArb = fc
    .record({ start: fc.nat(19_999), length: fc.integer({ min: 1, max: 300 }) })
    .chain(({ start, length }) =>
      fc
        .subarray(watchlistOps, { maxLength: 40 })
        .map((extra) =>
          [...new Set([...trace.slice(start, start + length), ...extra])].sort(
            (x, y) => (position.get(x) ?? 0) - (position.get(y) ?? 0),
          ),
        ),
    );

  it('op-based apply of sampled trace ops converges on three replicas', () => {
    fc.assert(
      fc.property(windowArb, fc.tuple(deliveryArb, deliveryArb, deliveryArb), (ops, deliveries) => {
        checkOpBased(ops, deliveries);
      }),
      { seed, numRuns: 40 },
    );
  });

  it('state-based merge of sampled trace ops is commutative, associative and idempotent', () => {
    fc.assert(
      fc.property(
        windowArb.chain((ops) => fc.tuple(fc.constant(ops), partitionArb(ops.length))),
        fc.tuple(deliveryArb, deliveryArb, deliveryArb),
        ([ops, masks], deliveries) => {
          checkStateBased(ops, masks, deliveries);
        },
      ),
      { seed, numRuns: 40 },
    );
  });
});
