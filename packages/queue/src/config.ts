import { ConfigError } from './errors.js';

/** The delta-sync switches of §6, readable from the environment. */
export interface SyncDeltaConfig {
  /** Batch ops into delta-encoded frames. When false every op travels alone in its own frame. */
  readonly enabled: boolean;
  /** zstd-compress frame bodies (only when it shrinks them). */
  readonly compression: boolean;
  /** No compression below this many ops in a frame. */
  readonly minBatchSize: number;
}

const TRUE_WORDS = new Set(['true', '1', 'yes', 'on']);
const FALSE_WORDS = new Set(['false', '0', 'no', 'off']);

const DEFAULTS: SyncDeltaConfig = Object.freeze({ enabled: true, compression: true, minBatchSize: 3 });

/** Environment variables as `process.env` has them: absent and empty both mean "use the default". */
export type Environment = Readonly<Record<string, string | undefined>>;

function readBoolean(env: Environment, variable: string, fallback: boolean): boolean {
  const raw = env[variable];
  if (raw === undefined || raw === '') return fallback;
  const word = raw.trim().toLowerCase();
  if (TRUE_WORDS.has(word)) return true;
  if (FALSE_WORDS.has(word)) return false;
  throw new ConfigError('INVALID_BOOLEAN', variable, raw, 'one of true/false/1/0/yes/no/on/off');
}

function readPositiveInteger(env: Environment, variable: string, fallback: number): number {
  const raw = env[variable];
  if (raw === undefined || raw === '') return fallback;
  const text = raw.trim();
  // Digits only: `Number()` would accept "1e3", "0x10" and " ", none of which a person means.
  if (!/^\d+$/.test(text)) throw new ConfigError('INVALID_INTEGER', variable, raw, 'an integer ≥ 1');
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < 1)
    throw new ConfigError('INVALID_INTEGER', variable, raw, 'an integer ≥ 1');
  return value;
}

export const SyncDeltaConfig = {
  defaults: DEFAULTS,

  /**
   * Reads `DELTA_SYNC_ENABLED`, `DELTA_SYNC_COMPRESSION` (true/false/1/0/yes/no/on/off, any case)
   * and `DELTA_SYNC_MIN_BATCH_SIZE` (integer ≥ 1). Unset or empty variables take the defaults
   * (true, true, 3); anything else is a `ConfigError` naming the variable and its value.
   */
  fromEnv(env: Environment): SyncDeltaConfig {
    return {
      enabled: readBoolean(env, 'DELTA_SYNC_ENABLED', DEFAULTS.enabled),
      compression: readBoolean(env, 'DELTA_SYNC_COMPRESSION', DEFAULTS.compression),
      minBatchSize: readPositiveInteger(env, 'DELTA_SYNC_MIN_BATCH_SIZE', DEFAULTS.minBatchSize),
    };
  },
} as const;
