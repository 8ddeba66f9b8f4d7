import { type SyncOperation, toCanonicalJson } from '@media-sync/protocol';
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';

/**
 * A synthetic trace of sync traffic (§2 JSON Lines), deterministic for a seed: a user's
 * devices watching titles (a progress update every ~10 s while playing, pauses, completions),
 * occasional watchlist edits and remote-control commands. With the defaults it is the TRAINING
 * input of the zstd dictionary; the measuring traces in shared/traces are never used for that.
 * The options make traces the codec was not trained on: other id shapes, unicode, more devices.
 */
export interface TraceOptions {
  readonly seed: number;
  readonly ops: number;
  /**
   * How user, content and command ids look: `uuid` (lowercase UUIDs, the default), `slug`
   * (`user-48213`, `tt0111161`-style content ids, `cmd-1a2b3c`), or `numeric` (decimal numbers).
   */
  readonly idShape?: IdShape;
  /** Unicode in device names and command payloads (titles, search text). Default false. */
  readonly unicode?: boolean;
  /** Number of devices, 1..8. Default: 2–4, picked by the seed. */
  readonly devices?: number;
}

export const ID_SHAPES = ['uuid', 'slug', 'numeric'] as const;
export type IdShape = (typeof ID_SHAPES)[number];

/** Uniform floats in [0, 1) from pure-rand's xoroshiro128+, seeded. */
function createRandom(seed: number): () => number {
  const rng = xoroshiro128plus(seed);
  return () => uniformFloat64(rng);
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
const UNICODE_DEVICE_NAMES = [
  'téléviseur-salon',
  'handy-jürgen',
  'タブレット',
  'ordinateur-élodie',
  'телефон-2',
  'πύργος-tv',
  'móvil-niños',
  'консоль',
];
const UNICODE_TITLES = ['Amélie', '千と千尋の神隠し', 'Крёстный отец', 'Ça ✓', 'Ο Ζορμπάς', 'Niño 🎬'];
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
  const idShape = options.idShape ?? 'uuid';
  if (!Number.isSafeInteger(seed)) throw new Error(`--seed must be an integer, got ${seed}`);
  if (!Number.isSafeInteger(ops) || ops < 0) throw new Error(`--ops must be a non-negative integer, got ${ops}`);
  if (!ID_SHAPES.includes(idShape))
    throw new Error(`--id-shape must be one of ${ID_SHAPES.join(', ')}, got ${idShape}`);
  if (
    options.devices !== undefined &&
    !(Number.isSafeInteger(options.devices) && options.devices >= 1 && options.devices <= 8)
  )
    throw new Error(`--devices must be an integer 1..8, got ${options.devices}`);
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
  let commandCounter = int(0, 1_000_000);
  const idOf = (kind: 'user' | 'content' | 'command'): string => {
    if (idShape === 'uuid') return uuid();
    if (idShape === 'numeric') return String(kind === 'command' ? ++commandCounter : int(1, 99_999_999));
    if (kind === 'user') return `user-${int(10_000, 99_999)}`;
    if (kind === 'content') return `tt${String(int(0, 9_999_999)).padStart(7, '0')}`;
    return `cmd-${(++commandCounter).toString(36)}`;
  };
  const userId = idOf('user');
  const catalog = Array.from({ length: int(40, 160) }, () => ({
    id: idOf('content'),
    durationMs: int(20 * 60_000, 180 * 60_000),
  }));
  const start = 1_700_000_000_000 + int(0, 100_000_000_000);
  const devices: Device[] = [];
  const names = [...(options.unicode ? UNICODE_DEVICE_NAMES : DEVICE_NAMES)];
  for (let k = options.devices ?? int(2, 4); k > 0; k--) {
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
              ? options.unicode
                ? { contentId: pick(catalog).id, fromMs: int(0, 3_600_000), title: pick(UNICODE_TITLES) }
                : { contentId: pick(catalog).id, fromMs: int(0, 3_600_000) }
              : {};
      const timestamp = device.clock;
      const base = {
        type: 'deviceCommand' as const,
        commandId: idOf('command'),
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
