import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  type DeviceCommandOperation,
  type Hlc,
  HybridLogicalClock,
  type ProgressUpdateOperation,
  parseTraceLine,
  type SequencedOperation,
  type SyncOperation,
  type WatchlistAddOperation,
  type WatchlistRemoveOperation,
} from '@media-sync/protocol';

/**
 * One seed per test file, printed so a failing property can be replayed with
 * `FC_SEED=<seed> npx vitest run`.
 */
export function propertySeed(file: string): number {
  const seed = process.env.FC_SEED === undefined ? Math.floor(Math.random() * 2 ** 31) : Number(process.env.FC_SEED);
  console.log(`[${file}] fast-check seed ${seed} (replay with FC_SEED=${seed})`);
  return seed;
}

export function hlc(physicalMs: number, logical = 0, nodeId = 'phone-1'): Hlc {
  return { physicalMs, logical, nodeId };
}

export function progress(
  contentId: string,
  positionMs: number,
  timestamp = 1_000,
  userId = 'u1',
): ProgressUpdateOperation {
  return { type: 'progressUpdate', userId, contentId, positionMs, state: 'playing', timestamp };
}

export function add(contentId: string, timestamp = 1_000, userId = 'u1'): WatchlistAddOperation {
  return { type: 'watchlistAdd', userId, contentId, timestamp };
}

export function remove(contentId: string, timestamp = 1_000, userId = 'u1'): WatchlistRemoveOperation {
  return { type: 'watchlistRemove', userId, contentId, timestamp };
}

export function command(
  commandId: string,
  targetDeviceId: string,
  timestamp = 1_000,
  expiresAt?: number,
): DeviceCommandOperation {
  const op = {
    type: 'deviceCommand' as const,
    commandId,
    sourceDeviceId: 'phone-1',
    targetDeviceId,
    commandType: 'pause',
    payload: { reason: 'test' },
    timestamp,
  };
  return expiresAt === undefined ? op : { ...op, expiresAt };
}

export function sequenced(deviceId: string, seq: number, clock: Hlc, op: SyncOperation): SequencedOperation {
  return { deviceId, seq, hlc: clock, op };
}

/** A small deterministic PRNG (mulberry32), so shuffles are reproducible from a fast-check seed. */
export function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

export function shuffle<T>(items: readonly T[], seed: number): T[] {
  const next = random(seed);
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

/** The standard trace lives beside the checkout (`../shared/traces/`); `MEDIA_SYNC_TRACE` overrides. */
export const TRACE_PATH =
  process.env.MEDIA_SYNC_TRACE ??
  fileURLToPath(new URL('../../../../shared/traces/standard-20k.jsonl', import.meta.url));

export const hasTrace = existsSync(TRACE_PATH);
if (!hasTrace) console.warn(`standard trace not found at ${TRACE_PATH}: the trace-based tests are SKIPPED`);

/**
 * The standard trace as sequenced ops: seqs per device in trace order from 1, and HLCs from a
 * hybrid logical clock per device whose wall clock reads each op's timestamp.
 */
export function loadTrace(path = TRACE_PATH): SequencedOperation[] {
  const lines = readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.length > 0);
  const devices = new Map<string, { seq: number; wall: number; clock: HybridLogicalClock }>();
  return lines.map((line) => {
    const { deviceId = 'unknown-device', op } = parseTraceLine(line);
    let device = devices.get(deviceId);
    if (device === undefined) {
      const state = { seq: 0, wall: 0, clock: undefined as unknown as HybridLogicalClock };
      state.clock = new HybridLogicalClock({ nodeId: deviceId, now: () => state.wall });
      device = state;
      devices.set(deviceId, device);
    }
    device.seq += 1;
    device.wall = op.timestamp;
    return { deviceId, seq: device.seq, hlc: device.clock.tick(), op };
  });
}
