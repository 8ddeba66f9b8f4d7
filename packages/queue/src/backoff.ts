import { ConfigError } from './errors.js';

export interface BackoffOptions {
  /** Delay before the first retry, ms. Default 1 000. */
  readonly baseMs?: number;
  /** Growth per further attempt. Default 2. */
  readonly factor?: number;
  /** Longest delay, ms. Default 300 000 (5 minutes). */
  readonly capMs?: number;
  /**
   * Share of the delay that is random, 0..1. Default 0.5: the delay lands uniformly in
   * [d/2, d], so devices that failed together do not retry together.
   */
  readonly jitter?: number;
}

export type ResolvedBackoff = Required<BackoffOptions>;

export const DEFAULT_BACKOFF: ResolvedBackoff = Object.freeze({
  baseMs: 1_000,
  factor: 2,
  capMs: 300_000,
  jitter: 0.5,
});

export function resolveBackoff(options: BackoffOptions = {}): ResolvedBackoff {
  const resolved = { ...DEFAULT_BACKOFF, ...options };
  check('backoff.baseMs', resolved.baseMs, resolved.baseMs >= 0);
  check('backoff.factor', resolved.factor, resolved.factor >= 1);
  check('backoff.capMs', resolved.capMs, resolved.capMs >= resolved.baseMs);
  check('backoff.jitter', resolved.jitter, resolved.jitter >= 0 && resolved.jitter <= 1);
  return resolved;
}

function check(option: string, value: number, ok: boolean): void {
  if (!Number.isFinite(value) || !ok)
    throw new ConfigError('INVALID_OPTION', option, value, 'a finite number in range');
}

/**
 * Delay before retry number `attempt` (1 = after the first failure):
 * `min(cap, base × factor^(attempt−1)) × (1 − jitter × random())`, with `random()` in [0, 1).
 */
export function backoffDelay(attempt: number, backoff: ResolvedBackoff, random: () => number): number {
  const exponential = backoff.baseMs * backoff.factor ** Math.max(0, attempt - 1);
  const capped = Math.min(backoff.capMs, exponential);
  return Math.round(capped * (1 - backoff.jitter * random()));
}
