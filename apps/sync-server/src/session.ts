import type { SessionDecoder } from '@media-sync/codec';
import { encodeGatewayMessage, type GatewayMessage } from '@media-sync/protocol';
import type { WebSocket } from 'ws';
import type { ConnectionFlow } from './flow.js';
import type { SyncServerLogger } from './logger.js';
import type { FrameTimer, GatewayPrometheus } from './metrics.js';

/** One authenticated connection: one device of one user. */
export interface Session {
  readonly ws: WebSocket;
  readonly userId: string;
  readonly deviceId: string;
  readonly decoder: SessionDecoder;
  /** When the token expires (epoch ms); the connection is closed with 4401 then. */
  readonly expiresAt: number;
  /** Set by the client's Subscribe: it receives the user's log, live changes and its commands. */
  subscribed: boolean;
  /**
   * Set once the first catch-up has sent the whole log (and SYNCED): the session is up to date
   * and gets what follows live.
   */
  live: boolean;
  /**
   * The user's log position this connection has been sent through. Live fan-out sends a commit's
   * ops only to a session whose cursor is right before them; any other session (behind, or
   * catching up) reads the log after its cursor instead, so it never gets an op twice or a gap.
   */
  cursor: number;
  /** A catch-up is reading the log for this session; live sends wait for it to end. */
  catchingUp: boolean;
  /** The log may have grown past what the running catch-up read: it reads again before it ends. */
  catchUpAgain: boolean;
  /** Commands sent on this connection (made on first use; idle connections hold none). */
  commands: SentCommands | undefined;
  /** The oldest commit of another instance not yet sent here, for the fan-out lag. */
  lagMark: { readonly head: number; readonly committedAt: number } | undefined;
  /** Cleared by each heartbeat ping, set by the pong: a socket that stays unset is dead. */
  alive: boolean;
  /** Set by each frame, cleared by each heartbeat: a connection idle for a whole period drops its codec context. */
  sentFrames: boolean;
  /** The codec decoder may hold a context (a frame was decoded since it was last reset). */
  holdsContext: boolean;
  /** The connection's bounded inbound queue, event-loop budget and outbound bound. */
  readonly flow: ConnectionFlow;
  /** Receipt times of frames awaiting their reply (ACK latency). */
  readonly frames: FrameTimer;
  readonly prometheus: GatewayPrometheus;
  readonly log: SyncServerLogger;
}

/**
 * Which commands a connection has been sent, so that re-reading the command box (on a notice of
 * another instance, or after a broker outage) sends each once. An acknowledged id is kept until
 * no read or delete that could still return it is in flight.
 */
export interface SentCommands {
  readonly sent: Set<number>;
  readonly acked: Set<number>;
  /** Command-box reads and deletes of this connection not finished yet. */
  inFlight: number;
  /** A read of the command box is under way; `readAgain`: a command came since it began. */
  reading?: boolean;
  readAgain?: boolean;
}

/**
 * Sends one gateway message on the session's socket, within its outbound bound; ERROR and ACK
 * replies count toward (and reset) the connection's run of errors.
 */
export function send(session: Session, message: GatewayMessage): void {
  session.flow.send(encodeGatewayMessage(message));
  if (message.type === 'ack') {
    session.flow.noteAck();
    const seconds = session.frames.answered(message.frameId, performance.now());
    if (seconds !== undefined) session.prometheus.ackLatency(seconds, 'ack');
  } else if (message.type === 'error') {
    if (message.code !== 'INTERNAL') session.flow.noteError();
    session.prometheus.frameRejected(message.code);
    // One line per rejected message. CONTEXT_MISMATCH is routine (a sender whose context the
    // gateway no longer holds sends the frame again self-contained), so it is info, not warn.
    const fields = {
      userId: session.userId,
      deviceId: session.deviceId,
      frameId: message.frameId,
      code: message.code,
      reason: message.message,
      ...(message.offset === undefined ? {} : { offset: message.offset }),
    };
    if (message.code === 'CONTEXT_MISMATCH') session.log.info(fields, 'frame rejected');
    else session.log.warn(fields, 'frame rejected');
    const seconds = session.frames.answered(message.frameId, performance.now());
    if (seconds !== undefined) session.prometheus.ackLatency(seconds, 'error');
  }
}

/** Mutable counters behind `metrics()`; every module adds to the same object. */
export interface Counters {
  framesAccepted: number;
  framesDuplicate: number;
  framesFailed: number;
  opsApplied: number;
  opsDuplicate: number;
  opsRejected: number;
  commandsStored: number;
  commandsDelivered: number;
  commandsExpired: number;
  bytesReceived: number;
  fanoutFrames: number;
  ingestMs: number;
  connectionsRefused: number;
  tokensExpired: number;
  commits: number;
  /** Ops refused in ACKs, by reject code (their sum is `opsRejected`). */
  opsRejectedByCode: Record<string, number>;
  /** Codec contexts of idle connections given back at a heartbeat. */
  contextsReleased: number;
  /** How often each bound of `GatewayLimits` was hit (README, limits table). */
  limits: LimitCounters;
}

/** One counter per bound: how many times a client ran into it. */
export interface LimitCounters {
  /** TCP connections closed on arrival because `maxConnections` were open. */
  connectionsOverMax: number;
  /** Upgrades refused (429) because the user had `maxConnectionsPerUser` open. */
  connectionsOverUser: number;
  /** Upgrades refused (429) because the device had `maxConnectionsPerDevice` open. */
  connectionsOverDevice: number;
  /** Connections closed for not sending their upgrade request within `headerTimeoutMs`. */
  headerTimeouts: number;
  /** Connections closed (1008) for not finishing a message within `incompleteMessageMs`. */
  incompleteMessages: number;
  /** Connections closed (1013) because all connections together held `maxInboundBytes`. */
  inboundOverBudget: number;
  /** Times the gateway stopped reading a connection until it read its replies (`maxOutboundBytes` / 4). */
  outboundPaused: number;
  /** Connections closed (1013) for not reading: a send would have passed `maxOutboundBytes`. */
  outboundOverLimit: number;
  /** Connections closed (1013) because all connections together had `maxTotalOutboundBytes` queued. */
  outboundOverBudget: number;
  /** Connections closed (1008) after `maxErrorsInRow` ERROR replies in a row. */
  errorsInRow: number;
  /** Messages that arrived while earlier ones of their connection still waited for their turn (`cpuMsPerSecond`). */
  messagesDeferred: number;
  /** Frames refused (`LIMIT_EXCEEDED`) whose body may exceed `op_count` × the largest op. */
  framesOverBody: number;
  /** Frames refused with `RATE_LIMITED` (`opsPerSecond`, `opsBurst`). */
  framesRateLimited: number;
  /** Frames refused with `QUOTA_EXCEEDED` (`maxStoredBytesPerDevice`). */
  framesOverQuota: number;
}

export function newLimitCounters(): LimitCounters {
  return {
    connectionsOverMax: 0,
    connectionsOverUser: 0,
    connectionsOverDevice: 0,
    headerTimeouts: 0,
    incompleteMessages: 0,
    inboundOverBudget: 0,
    outboundPaused: 0,
    outboundOverLimit: 0,
    outboundOverBudget: 0,
    errorsInRow: 0,
    messagesDeferred: 0,
    framesOverBody: 0,
    framesRateLimited: 0,
    framesOverQuota: 0,
  };
}

export function newCounters(): Counters {
  return {
    framesAccepted: 0,
    framesDuplicate: 0,
    framesFailed: 0,
    opsApplied: 0,
    opsDuplicate: 0,
    opsRejected: 0,
    commandsStored: 0,
    commandsDelivered: 0,
    commandsExpired: 0,
    bytesReceived: 0,
    fanoutFrames: 0,
    ingestMs: 0,
    connectionsRefused: 0,
    tokensExpired: 0,
    commits: 0,
    opsRejectedByCode: {},
    contextsReleased: 0,
    limits: newLimitCounters(),
  };
}

/** Counts `count` ops refused with `code`. */
export function countRejectedOps(counters: Counters, code: string, count: number): void {
  counters.opsRejected += count;
  counters.opsRejectedByCode[code] = (counters.opsRejectedByCode[code] ?? 0) + count;
}
