import type { SequencedOperation } from '@media-sync/protocol';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { progressOp as progressUpdate } from '../../src/hostile-clients.js';
import type { CodedRange, SeqRange } from '../../src/seq-ranges.js';
import type { FrameWrite, FrameWriteResult, GatewayStore } from '../../src/store/contract.js';

/**
 * The GatewayStore contract, as tests any implementation must pass. Depends on the contract
 * and vitest only: a backend gives `setup` (a fresh, isolated, empty database per test) and the
 * hooks of what it can do.
 */
export interface GatewayStoreFixture {
  /** A store on a fresh, empty database. */
  readonly store: GatewayStore;
  /** Closes `store` and opens the same database again (durable backends). */
  reopen(): Promise<GatewayStore>;
  /**
   * A second store on the same database, as another gateway process opens it (its own
   * connections). Undefined for a backend one process holds exclusively (then its
   * concurrency cases run on one store, called concurrently).
   */
  readonly openPeer?: () => Promise<GatewayStore>;
  /** Marks the database as migrated by a newer gateway (schema version + 1), with `store` closed. */
  forgeNewerSchema(): Promise<void>;
  /** Releases the database (temp file, schema). Stores still open are closed first. */
  teardown(): Promise<void>;
}

export interface GatewayStoreConformanceOptions {
  /** Shown in the describe block: `sqlite`, `postgres`. */
  readonly name: string;
  readonly setup: () => Promise<GatewayStoreFixture>;
  /** Per-test timeout (real servers on a loaded machine). Default 30 s. */
  readonly timeoutMs?: number;
  /** fast-check runs per property. Default 25. */
  readonly numRuns?: number;
}

const BASE_TIME = 1_700_000_000_000;

export function progressOp(userId: string, deviceId: string, seq: number): SequencedOperation {
  return progressUpdate(userId, deviceId, seq, BASE_TIME + seq * 1000);
}

export function commandEntry(deviceId: string, seq: number, targetDeviceId: string): SequencedOperation {
  const timestamp = BASE_TIME + seq;
  return {
    deviceId,
    seq,
    hlc: { physicalMs: timestamp, logical: 0, nodeId: deviceId },
    op: {
      type: 'deviceCommand',
      commandId: `cmd-${deviceId}-${seq}`,
      sourceDeviceId: deviceId,
      targetDeviceId,
      commandType: 'pause',
      payload: { reason: 'conformance' },
      timestamp,
    },
  };
}

/**
 * A state op of one of several shapes (progress with and without a duration, watchlist add and
 * remove, a clock naming another node), chosen by `shape`, so a log read back is compared on
 * every field an entry can have.
 */
export function variedOp(userId: string, deviceId: string, seq: number, shape: number): SequencedOperation {
  const timestamp = BASE_TIME + seq * 1000 + (shape % 3);
  const hlc = { physicalMs: timestamp + (shape % 2), logical: shape % 4, nodeId: shape % 5 === 4 ? 'relay' : deviceId };
  const contentId = `title-${shape % 11}`;
  switch (shape % 4) {
    case 0:
      return { deviceId, seq, hlc, op: { type: 'watchlistAdd', userId, contentId, timestamp } };
    case 1:
      return { deviceId, seq, hlc, op: { type: 'watchlistRemove', userId, contentId, timestamp } };
    case 2:
      return {
        deviceId,
        seq,
        hlc,
        op: { type: 'progressUpdate', userId, contentId, positionMs: shape * 7919, state: 'paused', timestamp },
      };
    default:
      return progressOp(userId, deviceId, seq);
  }
}

/** A frame of state ops for seqs first..last of the device, every seq settled. */
export function opsFrame(userId: string, deviceId: string, first: number, last: number): FrameWrite {
  const stateOps = [];
  for (let seq = first; seq <= last; seq++) stateOps.push(progressOp(userId, deviceId, seq));
  return { userId, deviceId, stateOps, commands: [], rejected: [], settled: [{ first, last }] };
}

function settledOnly(userId: string, deviceId: string, settled: SeqRange[], rejected: CodedRange[] = []): FrameWrite {
  return { userId, deviceId, stateOps: [], commands: [], rejected, settled };
}

/** The value of a fulfilled outcome; fails the test with the reason of a rejected one. */
export function committedResult(outcome: PromiseSettledResult<FrameWriteResult> | undefined): FrameWriteResult {
  if (outcome === undefined) throw new Error('no outcome');
  if (outcome.status === 'rejected') throw outcome.reason;
  return outcome.value;
}

async function writeOne(store: GatewayStore, frame: FrameWrite): Promise<FrameWriteResult> {
  return committedResult((await store.writeFrames([frame], []))[0]);
}

/** The whole log of a user, paged. */
export async function wholeLog(
  store: GatewayStore,
  userId: string,
): Promise<{ logSeq: number; entry: SequencedOperation }[]> {
  const out: { logSeq: number; entry: SequencedOperation }[] = [];
  for (;;) {
    const page = await store.logAfter(userId, out[out.length - 1]?.logSeq ?? 0, 500);
    if (page.length === 0) return out;
    out.push(...page);
  }
}

/** Sorted, disjoint, non-adjacent ranges of a set of seqs (the model of settled ranges). */
function rangesOfSet(seqs: Iterable<number>): SeqRange[] {
  const sorted = [...new Set(seqs)].sort((a, b) => a - b);
  const out: { first: number; last: number }[] = [];
  for (const seq of sorted) {
    const last = out[out.length - 1];
    if (last !== undefined && seq === last.last + 1) last.last = seq;
    else out.push({ first: seq, last: seq });
  }
  return out;
}

/**
 * Registers the GatewayStore conformance cases: log, settled and rejected ranges, snapshots,
 * devices and commands, durability and migrations, and two writers at once.
 */
export function describeGatewayStoreConformance(options: GatewayStoreConformanceOptions): void {
  const timeout = options.timeoutMs ?? 30_000;
  const numRuns = options.numRuns ?? 25;
  let fixture: GatewayStoreFixture;
  let store: GatewayStore;

  describe(`GatewayStore conformance: ${options.name}`, () => {
    beforeEach(async () => {
      fixture = await options.setup();
      store = fixture.store;
    }, timeout);
    afterEach(async () => {
      await fixture.teardown();
    }, timeout);

    describeLogConformance();
    describeRangesConformance();
    describeSnapshotsAndCommandsConformance();
    describeDurabilityConformance();
    describeConcurrencyConformance();
  });

  function describeLogConformance(): void {
    describe('op log', () => {
      it('starts empty', { timeout }, async () => {
        expect(await store.head('u')).toBe(0);
        expect(await store.logAfter('u', 0, 10)).toEqual([]);
        expect(await store.snapshot('u')).toBeUndefined();
        expect(await store.settledIn('u', 'tv', 1, 100)).toEqual([]);
      });

      it('allocates consecutive positions after the head and returns the entries exactly', { timeout }, async () => {
        const first = await writeOne(store, opsFrame('u', 'tv', 1, 3));
        expect(first).toMatchObject({ previousHead: 0, headLogSeq: 3, alreadySettled: [] });
        expect(first.logged.map((entry) => entry.seq)).toEqual([1, 2, 3]);
        const second = await writeOne(store, opsFrame('u', 'phone', 1, 2));
        expect(second).toMatchObject({ previousHead: 3, headLogSeq: 5 });
        expect(await store.head('u')).toBe(5);
        expect(await store.head('someone-else')).toBe(0);
        const log = await store.logAfter('u', 0, 100);
        expect(log.map((row) => row.logSeq)).toEqual([1, 2, 3, 4, 5]);
        expect(log[0]?.entry).toEqual(progressOp('u', 'tv', 1));
        expect(log[4]?.entry).toEqual(progressOp('u', 'phone', 2));
        expect((await store.logAfter('u', 2, 2)).map((row) => row.logSeq)).toEqual([3, 4]);
      });

      it('writes the frames of one call in order, each after the one before', { timeout }, async () => {
        const outcomes = await store.writeFrames(
          [opsFrame('u', 'tv', 1, 2), opsFrame('v', 'tv', 1, 1), opsFrame('u', 'tv', 3, 5)],
          [],
        );
        expect(outcomes.map((outcome) => committedResult(outcome).previousHead)).toEqual([0, 0, 2]);
        expect(outcomes.map((outcome) => committedResult(outcome).headLogSeq)).toEqual([2, 1, 5]);
        expect((await wholeLog(store, 'u')).map((row) => row.entry.seq)).toEqual([1, 2, 3, 4, 5]);
      });

      it('logs §2 ids of any characters (a NUL, 256 bytes of emoji) and reads them back exactly', {
        timeout,
      }, async () => {
        // Ids are opaque (§2): a NUL is a valid character of a content id, and the codec carries it.
        const contentIds = ['x\u0000y', '🎬'.repeat(64), 'é'.repeat(128), 'quote " backslash \\ \u2028', '\u0000'];
        // 20 ops, so a store that keeps long runs in another encoding keeps these in it too.
        const stateOps = Array.from({ length: 20 }, (_, i) => {
          const entry = variedOp('u', 'tv', i + 1, i * 4);
          return { ...entry, op: { ...entry.op, contentId: contentIds[i % contentIds.length] as string } };
        }) as SequencedOperation[];
        const command = commandEntry('tv', 21, 'phone');
        const withEmoji = {
          ...command,
          op: { ...command.op, payload: { title: '🎬'.repeat(20) } },
        } as SequencedOperation;
        const frame: FrameWrite = {
          ...opsFrame('u', 'tv', 1, 21),
          stateOps,
          commands: [{ entry: withEmoji, targetDeviceId: 'phone', expiresAt: BASE_TIME * 2 }],
        };
        const [outcome, alongside] = await store.writeFrames([frame, opsFrame('v', 'tv', 1, 1)], []);
        expect(committedResult(outcome)).toMatchObject({ previousHead: 0, headLogSeq: 20 });
        expect(committedResult(alongside).headLogSeq).toBe(1);
        const log = await wholeLog(store, 'u');
        expect(log.map((row) => row.logSeq)).toEqual(stateOps.map((_, i) => i + 1));
        expect(JSON.stringify(log.map((row) => row.entry))).toBe(JSON.stringify(stateOps));
        expect((await store.logAfter('u', 7, 3)).map((row) => row.entry)).toEqual(stateOps.slice(7, 10));
        expect(await store.settledIn('u', 'tv', 1, 21)).toEqual([{ first: 1, last: 21 }]);
        // Counted as the JSON's length (UTF-16 code units, 2 per emoji) when written and when read
        // back: a budget that reloads the count (a restart, another gateway) finds what was added.
        const json =
          stateOps.reduce((sum, entry) => sum + JSON.stringify(entry).length, 0) + JSON.stringify(withEmoji).length;
        expect(committedResult(outcome).storedBytes).toBe(json);
        expect(await store.storedBytes('u', 'tv')).toBe(json);
      });

      it('counts the bytes a device stored in log and commands', { timeout }, async () => {
        const frame: FrameWrite = {
          ...opsFrame('u', 'tv', 1, 2),
          commands: [{ entry: commandEntry('tv', 3, 'phone'), targetDeviceId: 'phone', expiresAt: BASE_TIME * 2 }],
          settled: [{ first: 1, last: 3 }],
        };
        const result = await writeOne(store, frame);
        const expected =
          JSON.stringify(progressOp('u', 'tv', 1)).length +
          JSON.stringify(progressOp('u', 'tv', 2)).length +
          JSON.stringify(commandEntry('tv', 3, 'phone')).length;
        expect(result.storedBytes).toBe(expected);
        expect(await store.storedBytes('u', 'tv')).toBe(expected);
        expect(await store.storedBytes('u', 'phone')).toBe(0);
      });

      it('law: any sequence of frames gives a gapless log in write order', { timeout }, async () => {
        let run = 0;
        await fc.assert(
          fc.asyncProperty(
            fc.array(
              fc.record({ device: fc.constantFrom('tv', 'phone', 'web'), count: fc.integer({ min: 0, max: 6 }) }),
              {
                maxLength: 12,
              },
            ),
            fc.integer({ min: 1, max: 4 }),
            async (frames, groupSize) => {
              run += 1;
              const userId = `law-log-${run}`;
              const next = new Map<string, number>();
              const expected: string[] = [];
              const writes = frames.map(({ device, count }) => {
                const first = next.get(device) ?? 1;
                // A frame of no state ops still settles a seq (a rejected or command op).
                next.set(device, first + Math.max(count, 1));
                if (count === 0) return settledOnly(userId, device, [{ first, last: first }]);
                for (let seq = first; seq < first + count; seq++) expected.push(`${device}:${seq}`);
                return opsFrame(userId, device, first, first + count - 1);
              });
              let head = 0;
              for (let i = 0; i < writes.length; i += groupSize) {
                const outcomes = await store.writeFrames(writes.slice(i, i + groupSize), []);
                for (const outcome of outcomes) {
                  const result = committedResult(outcome);
                  expect(result.previousHead).toBe(head);
                  head = result.headLogSeq;
                }
              }
              const log = await wholeLog(store, userId);
              expect(log.map((row) => row.logSeq)).toEqual(log.map((_, i) => i + 1));
              expect(log.map((row) => `${row.entry.deviceId}:${row.entry.seq}`)).toEqual(expected);
              expect(await store.head(userId)).toBe(expected.length);
            },
          ),
          { numRuns },
        );
      });

      it('law: logAfter from any position with any limit returns the entries written, in order', {
        timeout,
      }, async () => {
        let run = 0;
        // A frame's state ops in parts: one device's consecutive seqs each; a part may go back in
        // seq (a device replaying) or name another device than the frame's, and a frame may hold
        // more ops than the gateway's default frame (500).
        const part = fc.record({
          device: fc.constantFrom('tv', 'phone', 'web'),
          count: fc.oneof(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 490, max: 1100 })),
          back: fc.boolean(),
        });
        await fc.assert(
          fc.asyncProperty(
            fc.array(fc.array(part, { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 5 }),
            fc.integer({ min: 1, max: 3 }),
            fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 1200 })), { minLength: 1, maxLength: 12 }),
            async (frames, groupSize, reads) => {
              run += 1;
              const userId = `law-slices-${run}`;
              const next = new Map<string, number>();
              const model: SequencedOperation[] = [];
              let shape = run;
              const writes = frames.map((parts): FrameWrite => {
                const stateOps: SequencedOperation[] = [];
                for (const { device, count, back } of parts) {
                  const top = next.get(device) ?? 1;
                  const first = back ? Math.max(1, top - 3) : top;
                  for (let seq = first; seq < first + count; seq++)
                    stateOps.push(variedOp(userId, device, seq, shape++));
                  next.set(device, Math.max(top, first + count));
                }
                model.push(...stateOps);
                return {
                  userId,
                  deviceId: stateOps[0]?.deviceId ?? 'tv',
                  stateOps,
                  commands: [],
                  rejected: [],
                  settled: [],
                };
              });
              for (let i = 0; i < writes.length; i += groupSize) {
                for (const outcome of await store.writeFrames(writes.slice(i, i + groupSize), []))
                  committedResult(outcome);
              }
              expect(await store.head(userId)).toBe(model.length);
              const log = await wholeLog(store, userId);
              expect(log.map((row) => row.logSeq)).toEqual(model.map((_, i) => i + 1));
              expect(log.map((row) => row.entry)).toEqual(model);
              for (const [at, limit] of reads) {
                const from = at % (model.length + 2);
                const page = await store.logAfter(userId, from, limit);
                expect(page.map((row) => row.logSeq)).toEqual(
                  model.slice(from, from + limit).map((_, i) => from + i + 1),
                );
                expect(page.map((row) => row.entry)).toEqual(model.slice(from, from + limit));
              }
              for (const device of ['tv', 'phone', 'web']) {
                const bytes = model
                  .filter((entry) => entry.deviceId === device)
                  .reduce((sum, entry) => sum + JSON.stringify(entry).length, 0);
                expect(await store.storedBytes(userId, device)).toBe(bytes);
              }
            },
          ),
          { numRuns: Math.min(numRuns, 15) },
        );
      });
    });
  }

  function describeRangesConformance(): void {
    describe('settled and rejected seqs', () => {
      it('merges settled ranges that touch or overlap into one, and clips reads to the asked range', {
        timeout,
      }, async () => {
        await writeOne(store, settledOnly('u', 'tv', [{ first: 5, last: 5 }]));
        await writeOne(store, settledOnly('u', 'tv', [{ first: 1, last: 3 }]));
        expect(await store.settledIn('u', 'tv', 1, 10)).toEqual([
          { first: 1, last: 3 },
          { first: 5, last: 5 },
        ]);
        await writeOne(
          store,
          settledOnly('u', 'tv', [
            { first: 4, last: 4 },
            { first: 7, last: 9 },
          ]),
        );
        expect(await store.settledIn('u', 'tv', 1, 100)).toEqual([
          { first: 1, last: 5 },
          { first: 7, last: 9 },
        ]);
        expect(await store.settledIn('u', 'tv', 3, 8)).toEqual([
          { first: 3, last: 5 },
          { first: 7, last: 8 },
        ]);
        expect(await store.settledIn('u', 'phone', 1, 100)).toEqual([]);
        expect(await store.settledIn('other', 'tv', 1, 100)).toEqual([]);
      });

      it('stores rejections as ranges per code, merging a touching neighbour of the same code', {
        timeout,
      }, async () => {
        await writeOne(
          store,
          settledOnly('u', 'tv', [{ first: 1, last: 2 }], [{ firstSeq: 1, lastSeq: 2, code: 'A' }]),
        );
        await writeOne(
          store,
          settledOnly('u', 'tv', [{ first: 3, last: 3 }], [{ firstSeq: 3, lastSeq: 3, code: 'A' }]),
        );
        await writeOne(
          store,
          settledOnly('u', 'tv', [{ first: 4, last: 4 }], [{ firstSeq: 4, lastSeq: 4, code: 'B' }]),
        );
        expect(await store.rejectedIn('u', 'tv', 1, 10, 10)).toEqual([
          { firstSeq: 1, lastSeq: 3, code: 'A' },
          { firstSeq: 4, lastSeq: 4, code: 'B' },
        ]);
        expect(await store.rejectedIn('u', 'tv', 2, 10, 1)).toEqual([{ firstSeq: 2, lastSeq: 3, code: 'A' }]);
        expect(await store.rejectedIn('u', 'phone', 1, 10, 10)).toEqual([]);
      });

      it('writes nothing twice for seqs settled before: a re-sent frame changes nothing', { timeout }, async () => {
        await writeOne(store, opsFrame('u', 'tv', 1, 4));
        const again = await writeOne(store, opsFrame('u', 'tv', 1, 4));
        expect(again).toMatchObject({
          previousHead: 4,
          headLogSeq: 4,
          logged: [],
          alreadySettled: [{ first: 1, last: 4 }],
        });
        expect(again.storedBytes).toBe(0);
        const overlapping = await writeOne(store, opsFrame('u', 'tv', 3, 6));
        expect(overlapping.logged.map((entry) => entry.seq)).toEqual([5, 6]);
        expect(overlapping.alreadySettled).toEqual([{ first: 3, last: 4 }]);
        expect((await wholeLog(store, 'u')).map((row) => row.entry.seq)).toEqual([1, 2, 3, 4, 5, 6]);
        expect(await store.settledIn('u', 'tv', 1, 100)).toEqual([{ first: 1, last: 6 }]);
      });

      it('law: settled and rejected ranges equal the model of the seqs written, in any order', {
        timeout,
      }, async () => {
        let run = 0;
        const codes = fc.constantFrom('FORBIDDEN_USER', 'CLOCK_DRIFT', 'SKIPPED');
        await fc.assert(
          fc.asyncProperty(
            fc.array(
              fc.array(
                fc.record({ seq: fc.integer({ min: 1, max: 60 }), code: fc.option(codes, { nil: undefined }) }),
                {
                  maxLength: 8,
                },
              ),
              { maxLength: 10 },
            ),
            async (frames) => {
              run += 1;
              const userId = `law-ranges-${run}`;
              const settled = new Set<number>();
              const rejected = new Map<number, string>();
              for (const frame of frames) {
                // A seq's verdict is given once: the first frame that settles it decides.
                const fresh = new Map<number, string | undefined>();
                for (const { seq, code } of frame) if (!settled.has(seq) && !fresh.has(seq)) fresh.set(seq, code);
                if (fresh.size === 0) continue;
                const ranges = rangesOfSet(fresh.keys());
                const rejectedRanges: CodedRange[] = [];
                for (const code of new Set([...fresh.values()].filter((c) => c !== undefined))) {
                  const seqs = [...fresh].filter(([, c]) => c === code).map(([seq]) => seq);
                  for (const range of rangesOfSet(seqs))
                    rejectedRanges.push({ firstSeq: range.first, lastSeq: range.last, code });
                }
                await writeOne(store, settledOnly(userId, 'tv', ranges, rejectedRanges));
                for (const [seq, code] of fresh) {
                  settled.add(seq);
                  if (code !== undefined) rejected.set(seq, code);
                }
              }
              expect(await store.settledIn(userId, 'tv', 1, 60)).toEqual(rangesOfSet(settled));
              const modelRejected: CodedRange[] = [];
              for (const seq of [...rejected.keys()].sort((a, b) => a - b)) {
                const code = rejected.get(seq) as string;
                const last = modelRejected[modelRejected.length - 1];
                if (last !== undefined && last.code === code && last.lastSeq === seq - 1) {
                  modelRejected[modelRejected.length - 1] = { ...last, lastSeq: seq };
                } else {
                  modelRejected.push({ firstSeq: seq, lastSeq: seq, code });
                }
              }
              expect(await store.rejectedIn(userId, 'tv', 1, 60, 1000)).toEqual(modelRejected);
            },
          ),
          { numRuns },
        );
      });
    });
  }

  function describeSnapshotsAndCommandsConformance(): void {
    describe('snapshots, devices and commands', () => {
      it('keeps the latest snapshot and never moves it back', { timeout }, async () => {
        await store.putSnapshot('u', 5, '{"at":5}');
        expect(await store.snapshot('u')).toEqual({ logSeq: 5, state: '{"at":5}' });
        await store.putSnapshot('u', 3, '{"at":3}');
        expect(await store.snapshot('u')).toEqual({ logSeq: 5, state: '{"at":5}' });
        await writeOne(store, opsFrame('u', 'tv', 1, 8));
        await store.writeFrames([opsFrame('u', 'tv', 9, 9)], [{ userId: 'u', logSeq: 8, state: () => '{"at":8}' }]);
        expect(await store.snapshot('u')).toEqual({ logSeq: 8, state: '{"at":8}' });
        expect(await store.snapshot('v')).toBeUndefined();
      });

      it('registers a device once however often it connects', { timeout }, async () => {
        await store.registerDevice('u', 'tv');
        await store.registerDevice('u', 'tv');
        await store.registerDevice('u', 'phone');
      });

      it('keeps commands for their target until it acknowledges them or they expire', { timeout }, async () => {
        const now = BASE_TIME;
        const frame: FrameWrite = {
          userId: 'u',
          deviceId: 'phone',
          stateOps: [],
          commands: [
            { entry: commandEntry('phone', 1, 'tv'), targetDeviceId: 'tv', expiresAt: now + 60_000 },
            { entry: commandEntry('phone', 2, 'tv'), targetDeviceId: 'tv', expiresAt: now + 1_000 },
            { entry: commandEntry('phone', 3, 'web'), targetDeviceId: 'web', expiresAt: now + 60_000 },
          ],
          rejected: [],
          settled: [{ first: 1, last: 3 }],
        };
        const result = await writeOne(store, frame);
        expect(result.commands.map((command) => command.targetDeviceId)).toEqual(['tv', 'tv', 'web']);
        expect(new Set(result.commands.map((command) => command.id)).size).toBe(3);
        const pending = await store.pendingCommands('u', 'tv', now);
        expect(pending.map((command) => command.id)).toEqual(result.commands.slice(0, 2).map((command) => command.id));
        expect(pending[0]?.entry).toEqual(commandEntry('phone', 1, 'tv'));
        expect(pending[0]?.expiresAt).toBe(now + 60_000);
        // Past the second one's expiry it is purged.
        expect((await store.pendingCommands('u', 'tv', now + 2_000)).map((command) => command.id)).toEqual([
          result.commands[0]?.id,
        ]);
        const id = result.commands[0]?.id as number;
        // Only the target's own ack deletes a command.
        expect(await store.deleteCommand(id, 'u', 'web')).toBe(false);
        expect(await store.deleteCommand(id, 'other-user', 'tv')).toBe(false);
        expect(await store.deleteCommand(id, 'u', 'tv')).toBe(true);
        expect(await store.deleteCommand(id, 'u', 'tv')).toBe(false);
        expect(await store.pendingCommands('u', 'tv', now + 2_000)).toEqual([]);
        expect((await store.pendingCommands('u', 'web', now + 2_000)).length).toBe(1);
      });
    });
  }

  function describeDurabilityConformance(): void {
    describe('durability and migrations', () => {
      it('keeps everything across a reopen', { timeout }, async () => {
        await store.writeFrames(
          [
            opsFrame('u', 'tv', 1, 3),
            {
              ...settledOnly('u', 'phone', [{ first: 1, last: 2 }], [{ firstSeq: 2, lastSeq: 2, code: 'CLOCK_DRIFT' }]),
              commands: [{ entry: commandEntry('phone', 1, 'tv'), targetDeviceId: 'tv', expiresAt: BASE_TIME * 2 }],
            },
          ],
          [{ userId: 'u', logSeq: 0, state: () => '{}' }],
        );
        store = await fixture.reopen();
        expect(await store.head('u')).toBe(3);
        expect((await wholeLog(store, 'u')).map((row) => row.entry)).toEqual(
          [1, 2, 3].map((seq) => progressOp('u', 'tv', seq)),
        );
        expect(await store.settledIn('u', 'phone', 1, 10)).toEqual([{ first: 1, last: 2 }]);
        expect(await store.rejectedIn('u', 'phone', 1, 10, 10)).toEqual([
          { firstSeq: 2, lastSeq: 2, code: 'CLOCK_DRIFT' },
        ]);
        expect((await store.pendingCommands('u', 'tv', BASE_TIME)).map((command) => command.entry)).toEqual([
          commandEntry('phone', 1, 'tv'),
        ]);
        expect(await store.snapshot('u')).toEqual({ logSeq: 0, state: '{}' });
        const next = await writeOne(store, opsFrame('u', 'tv', 4, 4));
        expect(next.previousHead).toBe(3);
      });

      it('refuses a database migrated by a newer gateway with SCHEMA_TOO_NEW', { timeout }, async () => {
        await writeOne(store, opsFrame('u', 'tv', 1, 1));
        await store.close();
        await fixture.forgeNewerSchema();
        await expect(fixture.reopen()).rejects.toMatchObject({ name: 'SyncServerError', code: 'SCHEMA_TOO_NEW' });
      });

      it('closes more than once without failing', { timeout }, async () => {
        await store.close();
        await store.close();
      });
    });
  }

  function describeConcurrencyConformance(): void {
    describe('two writers at once', () => {
      /** Another gateway's store on the same database, or the same store called concurrently. */
      async function peer(): Promise<GatewayStore> {
        return fixture.openPeer ? fixture.openPeer() : store;
      }

      it('loses no update and gives no position twice when two stores write one user at once', {
        timeout,
      }, async () => {
        const other = await peer();
        const devices = ['tv', 'phone', 'web', 'car'];
        const framesPerDevice = 15;
        const opsPerFrame = 4;
        // Each device writes its frames in order through one store; the two stores race.
        const writers = devices.map(async (device, d) => {
          const target = d % 2 === 0 ? store : other;
          const results: FrameWriteResult[] = [];
          for (let f = 0; f < framesPerDevice; f++) {
            const first = f * opsPerFrame + 1;
            results.push(await writeOne(target, opsFrame('shared', device, first, first + opsPerFrame - 1)));
          }
          return results;
        });
        const results = (await Promise.all(writers)).flat();
        const total = devices.length * framesPerDevice * opsPerFrame;
        expect(await store.head('shared')).toBe(total);
        expect(await other.head('shared')).toBe(total);
        const log = await wholeLog(store, 'shared');
        expect(log.map((row) => row.logSeq)).toEqual(Array.from({ length: total }, (_, i) => i + 1));
        for (const device of devices) {
          const seqs = log.filter((row) => row.entry.deviceId === device).map((row) => row.entry.seq);
          // Every op once, and one device's ops in its order.
          expect(seqs).toEqual(Array.from({ length: framesPerDevice * opsPerFrame }, (_, i) => i + 1));
          expect(await other.settledIn('shared', device, 1, 1000)).toEqual([
            { first: 1, last: framesPerDevice * opsPerFrame },
          ]);
        }
        // Each frame's positions are its own: the [previousHead, headLogSeq) slices tile the log.
        const slices = results
          .map((result) => [result.previousHead, result.headLogSeq])
          .sort((a, b) => (a[0] as number) - (b[0] as number));
        let cursor = 0;
        for (const [from, to] of slices) {
          expect(from).toBe(cursor);
          cursor = to as number;
        }
        expect(cursor).toBe(total);
      });

      it("logs each op once when two stores write groups of several users' frames at once, each frame to both", {
        timeout,
      }, async () => {
        const other = await peer();
        const users = ['ann', 'bob', 'cy', 'dee', 'eve'];
        const deviceNames = ['tv', 'phone', 'web'];
        const rounds = 12;
        const opsPerFrame = 3;
        const devices = users.flatMap((userId) => deviceNames.map((deviceId) => ({ userId, deviceId })));
        // Four writers, two per store; every device's frames go through one writer of each store,
        // in order, as a device that re-sends to another gateway. Each group holds a round's frames
        // of the writer's devices in a shuffled order, so groups lock overlapping users in any order.
        let seed = 7;
        const random = () => {
          seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
          return seed / 2_147_483_648;
        };
        const writers = [store, store, other, other].map(async (target, w) => {
          const mine = devices.filter((_, d) => d % 2 === w % 2);
          const results: { frame: FrameWrite; result: FrameWriteResult }[] = [];
          for (let round = 0; round < rounds; round++) {
            const first = round * opsPerFrame + 1;
            const group = mine
              .map((device) => opsFrame(device.userId, device.deviceId, first, first + opsPerFrame - 1))
              .sort(() => random() - 0.5);
            const outcomes = await target.writeFrames(group, []);
            for (const [i, frame] of group.entries()) results.push({ frame, result: committedResult(outcomes[i]) });
          }
          return results;
        });
        const written = (await Promise.all(writers)).flat();
        const perDevice = rounds * opsPerFrame;
        for (const userId of users) {
          const total = deviceNames.length * perDevice;
          expect(await other.head(userId)).toBe(total);
          const log = await wholeLog(store, userId);
          // No lost update, no position twice: the positions are exactly 1..total.
          expect(log.map((row) => row.logSeq)).toEqual(Array.from({ length: total }, (_, i) => i + 1));
          for (const deviceId of deviceNames) {
            // Each (device, seq) logged once, in the device's order.
            const seqs = log.filter((row) => row.entry.deviceId === deviceId).map((row) => row.entry.seq);
            expect(seqs).toEqual(Array.from({ length: perDevice }, (_, i) => i + 1));
            expect(await store.settledIn(userId, deviceId, 1, 1000)).toEqual([{ first: 1, last: perDevice }]);
          }
          // What each write reports logging is what the log holds at its positions, and the
          // writes' slices of the user's log tile it.
          const slices = written
            .filter(({ frame }) => frame.userId === userId)
            .map(({ result }) => result)
            .filter((result) => result.logged.length > 0)
            .sort((a, b) => a.previousHead - b.previousHead);
          let cursor = 0;
          for (const result of slices) {
            expect(result.previousHead).toBe(cursor);
            expect(result.headLogSeq).toBe(cursor + result.logged.length);
            expect(log.slice(cursor, result.headLogSeq).map((row) => row.entry)).toEqual(result.logged);
            cursor = result.headLogSeq;
          }
          expect(cursor).toBe(total);
        }
        // Each frame went to both stores: exactly one write logged it, the other found it settled.
        const loggers = new Map<string, number>();
        for (const { frame, result } of written) {
          const key = `${frame.userId}/${frame.deviceId}/${frame.settled[0]?.first}`;
          if (result.logged.length === 0) {
            expect(result.alreadySettled).toEqual(frame.settled);
            loggers.set(key, loggers.get(key) ?? 0);
          } else {
            expect(result.alreadySettled).toEqual([]);
            loggers.set(key, (loggers.get(key) ?? 0) + 1);
          }
        }
        expect(loggers.size).toBe(devices.length * rounds);
        expect([...loggers.values()].every((count) => count === 1)).toBe(true);
      });

      it('applies a frame sent to two stores at once exactly once', { timeout }, async () => {
        const other = await peer();
        for (let round = 0; round < 10; round++) {
          const first = round * 5 + 1;
          const frame = opsFrame('twice', 'tv', first, first + 4);
          const [a, b] = await Promise.all([writeOne(store, frame), writeOne(other, frame)]);
          const logged = [a, b].map((result) => result.logged.length).sort();
          expect(logged).toEqual([0, 5]);
          const duplicate = a.logged.length === 0 ? a : b;
          expect(duplicate.alreadySettled).toEqual([{ first, last: first + 4 }]);
          expect(duplicate.storedBytes).toBe(0);
        }
        const log = await wholeLog(other, 'twice');
        expect(log.map((row) => row.entry.seq)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
        expect(await store.settledIn('twice', 'tv', 1, 100)).toEqual([{ first: 1, last: 50 }]);
      });
    });
  }
}
