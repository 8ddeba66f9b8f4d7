import { DEFAULT_LIMITS as CODEC_LIMITS, type DecodeLimits } from '@media-sync/codec';
import { DEFAULT_MAX_DRIFT_MS } from '@media-sync/protocol';
import { SyncServerError } from './errors.js';

/**
 * Every bound the gateway keeps, in one place, each with its default. A client can make the
 * gateway hold nothing that is not bounded by one of these (SPEC §9, §12).
 */
export interface GatewayLimits {
  /** Decode limits for untrusted frames (codec defaults: 1 MiB frame, 16 MiB body, 100 000 ops). */
  readonly decode: Partial<DecodeLimits>;
  /** Largest codec frame accepted; announced in HELLO. Default: the codec's `maxFrameBytes`. */
  readonly maxFrameBytes: number;
  /**
   * Largest WebSocket message `ws` buffers: a little over a frame, so a frame slightly over the
   * limit still gets a codec error reply; far beyond it the connection is closed (1009).
   */
  readonly maxMessageBytes: number;
  /** Rejected seq ranges one ACK lists at most; the rest is counted (`rejectedCount`). Default 64. */
  readonly maxAckRanges: number;
  /** Merged user states kept in memory (least recently used idle users are dropped). Default 1 000. */
  readonly maxCachedUsers: number;
  /** An op whose HLC is further ahead of the gateway's clock is rejected (`CLOCK_DRIFT`). Default 60 000. */
  readonly maxDriftMs: number;
  /** Ping period; a connection that missed the previous pong is cut. Default 30 000. */
  readonly heartbeatMs: number;
  /** A replica snapshot after this many logged ops. Default 5 000. */
  readonly snapshotEvery: number;
  /** Log entries read (and sent) per catch-up page: what a slow subscriber makes the gateway hold. */
  readonly logPage: number;
  /** A peer that does not finish the close handshake at shutdown is cut after this long. Default 2 000. */
  readonly closeGraceMs: number;
}

export const DEFAULT_MAX_ACK_RANGES = 64;
export const DEFAULT_MAX_CACHED_USERS = 1000;
export const DEFAULT_HEARTBEAT_MS = 30_000;
export const DEFAULT_SNAPSHOT_EVERY = 5000;
export const DEFAULT_LOG_PAGE = 1000;
export const DEFAULT_CLOSE_GRACE_MS = 2000;

/** The options that set limits; each one missing takes its default. */
export interface LimitOptions {
  readonly limits?: Partial<DecodeLimits>;
  readonly maxAckRanges?: number;
  readonly maxCachedUsers?: number;
  readonly maxDriftMs?: number;
  readonly heartbeatMs?: number;
  readonly snapshotEvery?: number;
}

export function resolveLimits(options: LimitOptions): GatewayLimits {
  const decode = options.limits ?? {};
  const maxFrameBytes = positive('limits.maxFrameBytes', decode.maxFrameBytes ?? CODEC_LIMITS.maxFrameBytes);
  return {
    decode,
    maxFrameBytes,
    maxMessageBytes: maxFrameBytes * 2 + 64,
    maxAckRanges: positive('maxAckRanges', options.maxAckRanges ?? DEFAULT_MAX_ACK_RANGES),
    maxCachedUsers: positive('maxCachedUsers', options.maxCachedUsers ?? DEFAULT_MAX_CACHED_USERS),
    maxDriftMs: nonNegative('maxDriftMs', options.maxDriftMs ?? DEFAULT_MAX_DRIFT_MS),
    heartbeatMs: positive('heartbeatMs', options.heartbeatMs ?? DEFAULT_HEARTBEAT_MS),
    snapshotEvery: positive('snapshotEvery', options.snapshotEvery ?? DEFAULT_SNAPSHOT_EVERY),
    logPage: DEFAULT_LOG_PAGE,
    closeGraceMs: DEFAULT_CLOSE_GRACE_MS,
  };
}

function positive(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new SyncServerError('INVALID_OPTIONS', `${name} must be a positive integer, got ${value}`);
  }
  return value;
}

function nonNegative(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new SyncServerError('INVALID_OPTIONS', `${name} must be a non-negative integer, got ${value}`);
  }
  return value;
}
