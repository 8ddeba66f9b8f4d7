import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { type JsonValue, parseTraceLine, type SequencedOperation, type SyncOperation } from '@media-sync/protocol';
import fc from 'fast-check';
import { CodecError } from '../src/errors.js';
import type { FrameBinding } from '../src/frame.js';
import { completeHeader, frameChecksum, parseFrame, resolveLimits } from '../src/frame.js';
import { FrameField } from '../src/wire.js';

/**
 * A committed 3 000-op trace (`media-sync trace generate --seed 424242 --ops 3000 --devices 3`,
 * gzipped): devices tablet-kids, tv-den and web-firefox. Not the dictionary's training trace
 * (another seed) and not a measuring trace.
 */
export const FIXTURE_TRACE = new URL('./fixtures/trace-3000.jsonl.gz', import.meta.url);

/** Fixture ops grouped by device, seqs from 1, HLC = timestamp (as the CLI derives it). */
export function loadFixtureTrace(): Map<string, SequencedOperation[]> {
  const byDevice = new Map<string, SequencedOperation[]>();
  const text = gunzipSync(readFileSync(FIXTURE_TRACE)).toString('utf8');
  for (const line of text.trim().split('\n')) {
    const { deviceId, op } = parseTraceLine(line);
    const id = deviceId as string;
    let list = byDevice.get(id);
    if (list === undefined) {
      list = [];
      byDevice.set(id, list);
    }
    list.push({ deviceId: id, seq: list.length + 1, hlc: { physicalMs: op.timestamp, logical: 0, nodeId: id }, op });
  }
  return byDevice;
}

/** The first `n` ops of one fixture device. */
export function fixtureOps(deviceId: 'tablet-kids' | 'tv-den' | 'web-firefox', n?: number): SequencedOperation[] {
  const ops = loadFixtureTrace().get(deviceId) as SequencedOperation[];
  return n === undefined ? ops : ops.slice(0, n);
}

/**
 * Rewrites a frame's checksum to match its (possibly mutated) header and body, so mutations
 * reach the decoder behind the checksum. `binding` re-signs a session frame for its context,
 * `userId` a user-bound frame for its user. Frames the header parser already refuses are
 * returned unchanged.
 */
export function resign(bytes: Uint8Array, binding?: FrameBinding, userId?: string): Uint8Array {
  let raw: ReturnType<typeof parseFrame>;
  let header: ReturnType<typeof completeHeader>;
  try {
    raw = parseFrame(bytes, resolveLimits());
    header = completeHeader(raw, binding, userId);
  } catch {
    return bytes;
  }
  const at = raw.at(raw.userBound ? FrameField.userBoundChecksum : FrameField.checksum);
  if (at >= bytes.length) return bytes;
  const checksum = frameChecksum(header, bytes, raw.bodyStart, raw.bodyEnd);
  const out = new Uint8Array(bytes);
  new DataView(out.buffer).setUint32(at + 1, checksum, true);
  return out;
}

const uuid = fc.uuid().map((u) => u.toLowerCase());
const id = fc.oneof(
  uuid,
  fc.constantFrom('tt0111161', 'tmdb:550', 'u-1', 'web-chrome', 'é-ü-✓'),
  fc.string({ minLength: 1, maxLength: 40 }),
);
const timestamp = fc.integer({ min: 0, max: 2 ** 48 - 1 });
const near = fc.integer({ min: 1_790_000_000_000, max: 1_790_000_900_000 });
const millis = fc.oneof(fc.integer({ min: 0, max: 10_000_000 }), fc.maxSafeNat());

export const operationArbitrary: fc.Arbitrary<SyncOperation> = fc.oneof(
  fc.record({
    type: fc.constantFrom('watchlistAdd' as const, 'watchlistRemove' as const),
    userId: id,
    contentId: id,
    timestamp: fc.oneof(near, timestamp),
  }),
  fc.record(
    {
      type: fc.constant('progressUpdate' as const),
      userId: fc.constantFrom('u-1', '00918221-7a95-4b00-b3c1-f8e5d05913a0'),
      contentId: fc.oneof(fc.constantFrom('c-1', 'c-2', '65296731-81ec-42b3-afb0-964c9c794021'), id),
      positionMs: millis,
      durationMs: millis,
      state: fc.constantFrom('playing' as const, 'paused' as const, 'stopped' as const, 'completed' as const),
      timestamp: fc.oneof(near, timestamp),
    },
    { requiredKeys: ['type', 'userId', 'contentId', 'positionMs', 'state', 'timestamp'] },
  ),
  fc
    .record(
      {
        type: fc.constant('deviceCommand' as const),
        commandId: id,
        sourceDeviceId: id,
        targetDeviceId: id,
        commandType: fc.constantFrom('play', 'seek', 'setVolume'),
        payload: fc.jsonValue({ maxDepth: 4 }) as fc.Arbitrary<JsonValue>,
        timestamp: fc.oneof(near, timestamp),
        expiresAt: fc.integer({ min: 0, max: 10_000_000 }),
      },
      {
        requiredKeys: ['type', 'commandId', 'sourceDeviceId', 'targetDeviceId', 'commandType', 'payload', 'timestamp'],
      },
    )
    .map((c) => {
      const { expiresAt, ...rest } = c;
      return expiresAt === undefined || rest.timestamp + expiresAt > 2 ** 48 - 1
        ? rest
        : { ...rest, expiresAt: rest.timestamp + expiresAt };
    }),
);

/** Ops of one device in seq order, with gaps, HLC offsets and foreign node ids now and then. */
export const deviceOpsArbitrary: fc.Arbitrary<SequencedOperation[]> = fc
  .array(
    fc.record({
      op: operationArbitrary,
      gap: fc.oneof(fc.constant(0), fc.constant(0), fc.integer({ min: 1, max: 1000 })),
      offset: fc.oneof(fc.constant(0), fc.constant(0), fc.integer({ min: -5000, max: 5000 })),
      logical: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 65535 })),
      foreign: fc.boolean(),
    }),
    { maxLength: 40 },
  )
  .chain((rows) =>
    fc.integer({ min: 1, max: 2 ** 40 }).map((first) => {
      let seq = first - 1;
      return rows.map(({ op, gap, offset, logical, foreign }) => {
        seq += 1 + gap;
        const physicalMs = Math.min(2 ** 48 - 1, Math.max(0, op.timestamp + offset));
        return { deviceId: 'dev-1', seq, hlc: { physicalMs, logical, nodeId: foreign ? 'dev-2' : 'dev-1' }, op };
      });
    }),
  );

/**
 * Playback as a steady player reports it: fixed intervals, positions exactly as predicted, the
 * same ids — frames in which most columns are left out (their default), the edge of the format.
 */
export const regularOpsArbitrary: fc.Arbitrary<SequencedOperation[]> = fc
  .record({
    count: fc.integer({ min: 1, max: 60 }),
    interval: fc.integer({ min: 0, max: 20_000 }),
    start: fc.integer({ min: 0, max: 2 ** 40 }),
    ids: fc.constantFrom(['x', 'x'], ['u', 'c'], ['00918221-7a95-4b00-b3c1-f8e5d05913a0', 'tt0111161']),
    state: fc.constantFrom('playing' as const, 'paused' as const),
    durationMs: fc.option(fc.integer({ min: 0, max: 10_000_000 }), { nil: undefined }),
  })
  .map(({ count, interval, start, ids, state, durationMs }) =>
    Array.from({ length: count }, (_, i) => {
      const timestamp = start + i * interval;
      const positionMs = state === 'playing' ? i * interval : 5000;
      const op: SyncOperation =
        durationMs === undefined
          ? {
              type: 'progressUpdate',
              userId: ids[0] as string,
              contentId: ids[1] as string,
              positionMs,
              state,
              timestamp,
            }
          : {
              type: 'progressUpdate',
              userId: ids[0] as string,
              contentId: ids[1] as string,
              positionMs,
              durationMs,
              state,
              timestamp,
            };
      return { deviceId: 'dev-1', seq: i + 1, hlc: { physicalMs: timestamp, logical: 0, nodeId: 'dev-1' }, op };
    }),
  );

/** Ops of one user: every watchlist and progress op of `ops` rewritten to name `userId`. */
export function ofUser(ops: readonly SequencedOperation[], userId: string): SequencedOperation[] {
  return ops.map((entry) => (entry.op.type === 'deviceCommand' ? entry : { ...entry, op: { ...entry.op, userId } }));
}

/** The code of the CodecError `f` throws, undefined when it throws none; any other error is rethrown. */
export function codeOf(f: () => unknown): string | undefined {
  try {
    f();
  } catch (error) {
    if (error instanceof CodecError) return error.code;
    throw error;
  }
  return undefined;
}
