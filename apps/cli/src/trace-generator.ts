import { type SyncOperation, toCanonicalJson } from '@media-sync/protocol';

/**
 * A synthetic trace of sync traffic (§2 JSON Lines), deterministic for a seed: a user's
 * devices watching titles (a progress update every ~10 s while playing, pauses, completions),
 * occasional watchlist edits and remote-control commands. It is the TRAINING input of the zstd
 * dictionary; the measuring traces in shared/traces are never used for that.
 */
export interface TraceOptions {
  readonly seed: number;
  readonly ops: number;
}

/** mulberry32: a small, fast, seedable PRNG. */
function createRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const DEVICE_NAMES = [
  'tv-bedroom',
  'web-firefox',
  'phone-2',
  'tablet-kids',
  'web-safari',
  'tv-den',
  'phone-3',
  'console-1',
];
const COMMANDS = ['play', 'pause', 'seek', 'setVolume', 'stop', 'next'];

interface Device {
  readonly id: string;
  clock: number;
  contentId: string;
  durationMs: number;
  positionMs: number;
  state: 'playing' | 'paused' | 'completed' | 'stopped';
}

export function generateTrace(options: TraceOptions): string[] {
  const { seed, ops } = options;
  if (!Number.isSafeInteger(seed)) throw new Error(`--seed must be an integer, got ${seed}`);
  if (!Number.isSafeInteger(ops) || ops < 0) throw new Error(`--ops must be a non-negative integer, got ${ops}`);
  const random = createRandom(seed);
  const int = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1));
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const uuid = (): string => {
    const hex = Array.from({ length: 32 }, () => Math.floor(random() * 16).toString(16));
    hex[12] = '4';
    hex[16] = '89ab'[Math.floor(random() * 4)] as string;
    const s = hex.join('');
    return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
  };
  const userId = uuid();
  const catalog = Array.from({ length: int(40, 160) }, () => ({
    id: uuid(),
    durationMs: int(20 * 60_000, 180 * 60_000),
  }));
  const start = 1_700_000_000_000 + int(0, 100_000_000_000);
  const devices: Device[] = [];
  const names = [...DEVICE_NAMES];
  for (let k = int(2, 4); k > 0; k--) {
    const id = names.splice(Math.floor(random() * names.length), 1)[0] as string;
    const title = pick(catalog);
    devices.push({
      id,
      clock: start + int(0, 60_000),
      contentId: title.id,
      durationMs: title.durationMs,
      positionMs: 0,
      state: 'playing',
    });
  }

  const lines: string[] = [];
  const emit = (device: Device, op: SyncOperation) => lines.push(toCanonicalJson(op, device.id));
  while (lines.length < ops) {
    // The device whose clock is furthest behind acts next, so the trace is in time order.
    const device = devices.reduce((a, b) => (b.clock < a.clock ? b : a));
    const roll = random();
    if (roll < 0.01) {
      const op: SyncOperation = {
        type: random() < 0.6 ? 'watchlistAdd' : 'watchlistRemove',
        userId,
        contentId: pick(catalog).id,
        timestamp: device.clock,
      };
      emit(device, op);
      device.clock += int(1_000, 30_000);
      continue;
    }
    if (roll < 0.02) {
      const target = pick(devices.filter((d) => d !== device));
      const commandType = pick(COMMANDS);
      const payload =
        commandType === 'seek'
          ? { positionMs: int(0, 7_200_000) }
          : commandType === 'setVolume'
            ? { level: int(0, 100) }
            : commandType === 'play'
              ? { contentId: pick(catalog).id, fromMs: int(0, 3_600_000) }
              : {};
      const timestamp = device.clock;
      const base = {
        type: 'deviceCommand' as const,
        commandId: uuid(),
        sourceDeviceId: device.id,
        targetDeviceId: target?.id ?? device.id,
        commandType,
        payload,
        timestamp,
      };
      emit(device, random() < 0.8 ? { ...base, expiresAt: timestamp + int(2, 30) * 60_000 } : base);
      device.clock += int(1_000, 30_000);
      continue;
    }
    if (device.state === 'completed' || device.state === 'stopped') {
      const title = pick(catalog);
      Object.assign(device, { contentId: title.id, durationMs: title.durationMs, positionMs: 0, state: 'playing' });
      device.clock += int(30_000, 600_000);
    } else if (device.state === 'paused') {
      device.state = 'playing';
      device.clock += int(5_000, 900_000);
    } else {
      device.clock += 10_000 + int(0, 120);
      device.positionMs = Math.min(device.durationMs, device.positionMs + 10_000 + int(-25, 25));
      const r = random();
      if (device.positionMs >= device.durationMs) device.state = 'completed';
      else if (r < 0.02) device.state = 'paused';
      else if (r < 0.023) device.state = 'stopped';
    }
    emit(device, {
      type: 'progressUpdate',
      userId,
      contentId: device.contentId,
      positionMs: device.positionMs,
      durationMs: device.durationMs,
      state: device.state,
      timestamp: device.clock,
    });
  }
  return lines;
}
