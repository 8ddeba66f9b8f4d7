import { DEFAULT_LIMITS as CODEC_LIMITS, type DecodeLimits } from '@media-sync/codec';
import { DEFAULT_MAX_DRIFT_MS } from '@media-sync/protocol';
import { SyncServerError } from './errors.js';

/**
 * Every bound the gateway keeps, in one place, each with its default. A client can make the
 * gateway hold nothing that is not bounded by one of these (SPEC §9, §12); the README's limits
 * table lists each with what happens when it is hit and the counter that says so.
 */
export interface GatewayLimits {
  /** Decode limits for untrusted frames: the gateway's defaults below over the codec's. */
  readonly decode: DecodeLimits;
  /** Largest codec frame accepted; announced in HELLO. Default 256 KiB. */
  readonly maxFrameBytes: number;
  /**
   * Largest WebSocket message `ws` buffers: a frame and its envelope with room to spare, so a
   * frame slightly over the limit still gets a codec error reply; beyond it the connection is
   * closed (1009).
   */
  readonly maxMessageBytes: number;
  /**
   * The most bytes one op can take in a decoded body (every string and a command payload at
   * their limits): a frame's body may not exceed `op_count` × this, checked before inflating.
   */
  readonly maxOpBodyBytes: number;
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
  /**
   * Log entries read at a time: per catch-up page (what a slow subscriber makes the gateway hold)
   * and when a user's replica is rebuilt from the log.
   */
  readonly logPage: number;
  /** A peer that does not finish the close handshake at shutdown is cut after this long. Default 2 000. */
  readonly closeGraceMs: number;
  /** Open TCP connections, upgraded or not; more are closed as they arrive. Default 10 000. */
  readonly maxConnections: number;
  /** WebSocket connections of one user; more are refused with 429. Default 32. */
  readonly maxConnectionsPerUser: number;
  /** WebSocket connections of one (user, device); more are refused with 429. Default 4. */
  readonly maxConnectionsPerDevice: number;
  /** A connection that has not sent its whole upgrade request after this long is closed. Default 10 000. */
  readonly headerTimeoutMs: number;
  /** A connection that sent part of a message and has not finished it after this long is closed (1008). Default 10 000. */
  readonly incompleteMessageMs: number;
  /**
   * Inbound bytes held by all connections together (unfinished messages and received messages
   * waiting for their turn); past it the connection holding the most is closed (1013). Default 64 MiB.
   */
  readonly maxInboundBytes: number;
  /**
   * Bytes queued for one connection's socket. Past a quarter of it the gateway stops reading the
   * connection's messages until its socket drains; a send past all of it closes it (1013). Default 4 MiB.
   */
  readonly maxOutboundBytes: number;
  /**
   * Bytes queued for all connections' sockets together; past it the connection with the most
   * queued is closed (1013) and cut at once, until the rest fit. A connection with less than its
   * socket's high-water mark queued (16 KiB) is not counted: it holds at most that. Default 128 MiB.
   */
  readonly maxTotalOutboundBytes: number;
  /** ERROR replies in a row (no ACK between) after which a connection is closed (1008). Default 32. */
  readonly maxErrorsInRow: number;
  /**
   * Event-loop milliseconds a connection earns per second. Connections that spent more recently
   * wait while others with budget left are served, so one client cannot starve the rest. Default 250.
   */
  readonly cpuMsPerSecond: number;
  /** Event-loop milliseconds a connection may save up. Default 250. */
  readonly cpuBurstMs: number;
  /** Ops per second one device may send; past it frames get `RATE_LIMITED`. Default 5 000. */
  readonly opsPerSecond: number;
  /** Ops a device may send in one burst before `opsPerSecond` applies. Default 100 000. */
  readonly opsBurst: number;
  /** Bytes of op log and commands one device may have stored; past it frames get `QUOTA_EXCEEDED`. Default 64 MiB. */
  readonly maxStoredBytesPerDevice: number;
}

export const DEFAULT_MAX_FRAME_BYTES = 256 * 1024;
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
/** The queue sends at most 500 ops a frame (its `maxBatchOps` default). */
export const DEFAULT_MAX_OPS_PER_FRAME = 500;
export const DEFAULT_MAX_ACK_RANGES = 64;
export const DEFAULT_MAX_CACHED_USERS = 1000;
export const DEFAULT_HEARTBEAT_MS = 30_000;
export const DEFAULT_SNAPSHOT_EVERY = 5000;
export const DEFAULT_LOG_PAGE = 1000;
export const DEFAULT_CLOSE_GRACE_MS = 2000;
export const DEFAULT_MAX_CONNECTIONS = 10_000;
export const DEFAULT_MAX_CONNECTIONS_PER_USER = 32;
export const DEFAULT_MAX_CONNECTIONS_PER_DEVICE = 4;
export const DEFAULT_HEADER_TIMEOUT_MS = 10_000;
export const DEFAULT_INCOMPLETE_MESSAGE_MS = 10_000;
export const DEFAULT_MAX_INBOUND_BYTES = 64 * 1024 * 1024;
export const DEFAULT_MAX_OUTBOUND_BYTES = 4 * 1024 * 1024;
export const DEFAULT_MAX_TOTAL_OUTBOUND_BYTES = 128 * 1024 * 1024;
export const DEFAULT_MAX_ERRORS_IN_ROW = 32;
export const DEFAULT_CPU_MS_PER_SECOND = 250;
export const DEFAULT_CPU_BURST_MS = 250;
export const DEFAULT_OPS_PER_SECOND = 5000;
export const DEFAULT_OPS_BURST = 100_000;
export const DEFAULT_MAX_STORED_BYTES_PER_DEVICE = 64 * 1024 * 1024;

/** The options that set limits; each one missing takes its default. */
export interface LimitOptions {
  /**
   * Decode limits for untrusted frames. Defaults: 256 KiB frame, 1 MiB body, 500 ops a frame,
   * the codec's string and payload limits (§2).
   */
  readonly limits?: Partial<DecodeLimits>;
  /** Rejected seq ranges one ACK lists at most (the rest is counted). Default 64. */
  readonly maxAckRanges?: number;
  /**
   * Keep at most this many users' merged state in memory, dropping the least recently used user
   * without a live connection; a dropped user is reloaded from the database on next use. Default 1 000.
   */
  readonly maxCachedUsers?: number;
  /**
   * An op whose HLC is more than this ahead of the gateway's clock is rejected (`CLOCK_DRIFT`):
   * a device with a fast clock would otherwise win every last-writer-wins register. Default 60 000.
   */
  readonly maxDriftMs?: number;
  /** Ping every connection this often; one that has not answered the previous ping is cut. Default 30 000. */
  readonly heartbeatMs?: number;
  /** Write a replica snapshot after this many logged ops, so restarts replay a short log. Default 5 000. */
  readonly snapshotEvery?: number;
  /** Open TCP connections in all. Default 10 000; keep it under the process's file-descriptor limit. */
  readonly maxConnections?: number;
  /** WebSocket connections of one user. Default 32. */
  readonly maxConnectionsPerUser?: number;
  /** WebSocket connections of one device of one user. Default 4. */
  readonly maxConnectionsPerDevice?: number;
  /** Time to send a whole upgrade request. Default 10 000 ms. */
  readonly headerTimeoutMs?: number;
  /** Time to finish a message once its first bytes arrived. Default 10 000 ms. */
  readonly incompleteMessageMs?: number;
  /** Inbound bytes held for all connections together. Default 64 MiB. */
  readonly maxInboundBytes?: number;
  /** Outbound bytes queued for one connection. Default 4 MiB. */
  readonly maxOutboundBytes?: number;
  /** Outbound bytes queued for all connections together. Default 128 MiB. */
  readonly maxTotalOutboundBytes?: number;
  /** ERROR replies in a row before a connection is closed. Default 32. */
  readonly maxErrorsInRow?: number;
  /** Event-loop milliseconds one connection earns per second. Default 250. */
  readonly cpuMsPerSecond?: number;
  /** Event-loop milliseconds one connection may save up. Default 250. */
  readonly cpuBurstMs?: number;
  /** Ops per second one device may send. Default 5 000. */
  readonly opsPerSecond?: number;
  /** Ops one device may send in a burst. Default 100 000. */
  readonly opsBurst?: number;
  /** Stored bytes (op log and commands) per device. Default 64 MiB. */
  readonly maxStoredBytesPerDevice?: number;
}

export function resolveLimits(options: LimitOptions): GatewayLimits {
  const given = options.limits ?? {};
  const decode: DecodeLimits = {
    ...CODEC_LIMITS,
    maxFrameBytes: DEFAULT_MAX_FRAME_BYTES,
    maxBodyBytes: DEFAULT_MAX_BODY_BYTES,
    maxOps: DEFAULT_MAX_OPS_PER_FRAME,
    ...given,
  };
  for (const [name, value] of Object.entries(decode)) positive(`limits.${name}`, value);
  const maxFrameBytes = decode.maxFrameBytes;
  return {
    decode,
    maxFrameBytes,
    maxMessageBytes: maxFrameBytes + 4096,
    maxOpBodyBytes: maxOpBodyBytes(decode),
    maxAckRanges: positive('maxAckRanges', options.maxAckRanges ?? DEFAULT_MAX_ACK_RANGES),
    maxCachedUsers: positive('maxCachedUsers', options.maxCachedUsers ?? DEFAULT_MAX_CACHED_USERS),
    maxDriftMs: nonNegative('maxDriftMs', options.maxDriftMs ?? DEFAULT_MAX_DRIFT_MS),
    heartbeatMs: positive('heartbeatMs', options.heartbeatMs ?? DEFAULT_HEARTBEAT_MS),
    snapshotEvery: positive('snapshotEvery', options.snapshotEvery ?? DEFAULT_SNAPSHOT_EVERY),
    logPage: DEFAULT_LOG_PAGE,
    closeGraceMs: DEFAULT_CLOSE_GRACE_MS,
    maxConnections: positive('maxConnections', options.maxConnections ?? DEFAULT_MAX_CONNECTIONS),
    maxConnectionsPerUser: positive(
      'maxConnectionsPerUser',
      options.maxConnectionsPerUser ?? DEFAULT_MAX_CONNECTIONS_PER_USER,
    ),
    maxConnectionsPerDevice: positive(
      'maxConnectionsPerDevice',
      options.maxConnectionsPerDevice ?? DEFAULT_MAX_CONNECTIONS_PER_DEVICE,
    ),
    headerTimeoutMs: positive('headerTimeoutMs', options.headerTimeoutMs ?? DEFAULT_HEADER_TIMEOUT_MS),
    incompleteMessageMs: positive('incompleteMessageMs', options.incompleteMessageMs ?? DEFAULT_INCOMPLETE_MESSAGE_MS),
    maxInboundBytes: positive('maxInboundBytes', options.maxInboundBytes ?? DEFAULT_MAX_INBOUND_BYTES),
    maxOutboundBytes: positive('maxOutboundBytes', options.maxOutboundBytes ?? DEFAULT_MAX_OUTBOUND_BYTES),
    maxTotalOutboundBytes: positive(
      'maxTotalOutboundBytes',
      options.maxTotalOutboundBytes ?? DEFAULT_MAX_TOTAL_OUTBOUND_BYTES,
    ),
    maxErrorsInRow: positive('maxErrorsInRow', options.maxErrorsInRow ?? DEFAULT_MAX_ERRORS_IN_ROW),
    cpuMsPerSecond: positive('cpuMsPerSecond', options.cpuMsPerSecond ?? DEFAULT_CPU_MS_PER_SECOND),
    cpuBurstMs: positive('cpuBurstMs', options.cpuBurstMs ?? DEFAULT_CPU_BURST_MS),
    opsPerSecond: positive('opsPerSecond', options.opsPerSecond ?? DEFAULT_OPS_PER_SECOND),
    opsBurst: positive('opsBurst', options.opsBurst ?? DEFAULT_OPS_BURST),
    maxStoredBytesPerDevice: positive(
      'maxStoredBytesPerDevice',
      options.maxStoredBytesPerDevice ?? DEFAULT_MAX_STORED_BYTES_PER_DEVICE,
    ),
  };
}

/**
 * The largest body one op can decode from: its strings (ids, content id, command id and type)
 * at the string limit, a command payload at three times its JSON limit (the binary bound the
 * codec applies), and the numbers around them. A 1-op frame declaring a 16 MiB body is refused
 * from its header, before anything is inflated.
 */
function maxOpBodyBytes(decode: DecodeLimits): number {
  const STRINGS_PER_OP = 8;
  const NUMBERS_AND_TAGS = 256;
  return STRINGS_PER_OP * (decode.maxStringBytes + 10) + 3 * decode.maxPayloadBytes + NUMBERS_AND_TAGS;
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
