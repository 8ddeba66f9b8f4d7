import type { SessionDecoder } from '@media-sync/codec';
import { encodeGatewayMessage, type GatewayMessage } from '@media-sync/protocol';
import type { WebSocket } from 'ws';

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
   * Set once the catch-up has sent the whole log: until then live fan-out (and SYNCED) skips the
   * session, because its cursor would jump past log entries the catch-up has not sent yet. The
   * catch-up reads the log until it is empty, so it also sends what was accepted meanwhile.
   */
  live: boolean;
  /** Cleared by each heartbeat ping, set by the pong: a socket that stays unset is dead. */
  alive: boolean;
}

/** Sends one gateway message on the session's socket. */
export function send(session: Session, message: GatewayMessage): void {
  session.ws.send(encodeGatewayMessage(message));
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
  };
}
