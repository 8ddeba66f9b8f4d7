import type { IncomingMessage, Server } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { GATEWAY_SUBPROTOCOL, TOKEN_SUBPROTOCOL_PREFIX, UNAUTHORIZED_CLOSE_CODE } from '@media-sync/protocol';
import { type WebSocket, WebSocketServer } from 'ws';
import { SyncServerError } from './errors.js';
import type { GatewayLimits } from './limits.js';
import type { SyncServerLogger } from './logger.js';
import type { Counters } from './session.js';
import type { TokenClaims } from './token.js';

/**
 * The HTTP side of a connection: the token check before any WebSocket exists, the upgrade
 * itself, and the refusals. A connection that reaches `onConnection` is one device of one user.
 */
export class Upgrades {
  readonly #wss: WebSocketServer;
  readonly #verify: (token: string) => Promise<TokenClaims>;
  readonly #log: SyncServerLogger;
  readonly #counters: Counters;
  readonly #closing: () => boolean;
  readonly #onConnection: (ws: WebSocket, claims: TokenClaims, socket: Duplex) => void;
  readonly #limits: GatewayLimits;
  /** Upgraded only to be closed with UNAUTHORIZED_CLOSE_CODE; never sessions. */
  readonly #refused = new Set<WebSocket>();
  /** Sockets that have not sent a whole request yet, with the timer that cuts them. */
  readonly #awaitingHeaders = new Map<Duplex, ReturnType<typeof setTimeout>>();
  /** Open WebSocket connections per user and per `user\0device`. */
  readonly #perUser = new Map<string, number>();
  readonly #perDevice = new Map<string, number>();
  readonly #refusals: RefusalLog;
  readonly #onRefused: (reason: string) => void;

  constructor(deps: {
    /** Every refusal, by reason: a token code or the bound that was hit (metrics). */
    refused?: (reason: string) => void;
    limits: GatewayLimits;
    verify: (token: string) => Promise<TokenClaims>;
    log: SyncServerLogger;
    counters: Counters;
    closing: () => boolean;
    onConnection: (ws: WebSocket, claims: TokenClaims, socket: Duplex) => void;
  }) {
    this.#limits = deps.limits;
    this.#refusals = new RefusalLog(deps.log);
    this.#verify = deps.verify;
    this.#log = deps.log;
    this.#counters = deps.counters;
    this.#closing = deps.closing;
    this.#onConnection = deps.onConnection;
    this.#onRefused = deps.refused ?? (() => {});
    this.#wss = new WebSocketServer({
      noServer: true,
      maxPayload: deps.limits.maxMessageBytes,
      handleProtocols: (protocols) => (protocols.has(GATEWAY_SUBPROTOCOL) ? GATEWAY_SUBPROTOCOL : false),
    });
  }

  /**
   * Bounds the HTTP side of `server`: at most `maxConnections` open sockets (more are closed as
   * they arrive), and a socket that has not sent a whole request within `headerTimeoutMs` is cut.
   * Both are counted and logged (at most a line a second per kind, with the count).
   */
  guard(server: Server): void {
    server.maxConnections = this.#limits.maxConnections;
    server.on('drop', (data?: { remoteAddress?: string }) => {
      this.#counters.limits.connectionsOverMax += 1;
      this.#onRefused('maxConnections');
      this.#refusals.note('connection refused: maxConnections open', {
        maxConnections: this.#limits.maxConnections,
        remote: data?.remoteAddress,
      });
    });
    // Node's own timeouts cover later requests of a kept-alive socket; the first one is timed here.
    server.headersTimeout = this.#limits.headerTimeoutMs;
    server.requestTimeout = this.#limits.headerTimeoutMs * 2;
    server.on('connection', (socket: Socket) => {
      const timer = setTimeout(() => {
        this.#awaitingHeaders.delete(socket);
        this.#counters.limits.headerTimeouts += 1;
        this.#onRefused('headerTimeoutMs');
        this.#refusals.note('connection closed: no complete request in time', {
          headerTimeoutMs: this.#limits.headerTimeoutMs,
          remote: socket.remoteAddress,
        });
        socket.destroy();
      }, this.#limits.headerTimeoutMs);
      timer.unref();
      this.#awaitingHeaders.set(socket, timer);
      socket.once('close', () => this.headersReceived(socket));
    });
  }

  /** The socket sent a whole request: it is no longer on the header clock. */
  headersReceived(socket: Duplex): void {
    const timer = this.#awaitingHeaders.get(socket);
    if (timer === undefined) return;
    clearTimeout(timer);
    this.#awaitingHeaders.delete(socket);
  }

  handle(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    this.headersReceived(socket);
    void this.#handle(req, socket, head);
  }

  async #handle(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    if (this.#closing()) {
      this.#onRefused('SHUTTING_DOWN');
      refuse(socket, 503, 'Service Unavailable');
      return;
    }
    const url = new URL(req.url ?? '/', 'http://gateway');
    const presented = tokenOf(req, url);
    let claims: TokenClaims;
    try {
      claims = await this.#verify(presented?.token ?? '');
    } catch (error) {
      const code = error instanceof SyncServerError ? error.code : 'TOKEN_MALFORMED';
      this.#counters.connectionsRefused += 1;
      this.#onRefused(code);
      this.#log.warn({ code, remote: req.socket.remoteAddress }, 'connection refused');
      if (presented?.inSubprotocol) this.#refuseAfterUpgrade(req, socket, head, code);
      else refuse(socket, 401, 'Unauthorized', code);
      return;
    }
    // The token check may have let the gateway start closing, or the peer hang up, meanwhile.
    if (this.#closing()) {
      this.#onRefused('SHUTTING_DOWN');
      refuse(socket, 503, 'Service Unavailable');
      return;
    }
    if (socket.destroyed) return;
    const userKey = claims.userId;
    const deviceKey = `${claims.userId}\0${claims.deviceId}`;
    const overUser = (this.#perUser.get(userKey) ?? 0) >= this.#limits.maxConnectionsPerUser;
    const overDevice = (this.#perDevice.get(deviceKey) ?? 0) >= this.#limits.maxConnectionsPerDevice;
    if (overUser || overDevice) {
      if (overDevice) this.#counters.limits.connectionsOverDevice += 1;
      else this.#counters.limits.connectionsOverUser += 1;
      this.#onRefused(overDevice ? 'maxConnectionsPerDevice' : 'maxConnectionsPerUser');
      this.#refusals.note(
        `connection refused: ${overDevice ? 'maxConnectionsPerDevice' : 'maxConnectionsPerUser'} open`,
        {
          userId: claims.userId,
          deviceId: claims.deviceId,
        },
      );
      refuse(socket, 429, 'Too Many Requests', 'TOO_MANY_CONNECTIONS');
      return;
    }
    // From the check to the count nothing awaits: ws completes the upgrade synchronously.
    this.#wss.handleUpgrade(req, socket, head, (ws) => {
      increment(this.#perUser, userKey, 1);
      increment(this.#perDevice, deviceKey, 1);
      ws.once('close', () => {
        increment(this.#perUser, userKey, -1);
        increment(this.#perDevice, deviceKey, -1);
      });
      this.#onConnection(ws, claims, socket);
    });
  }

  /**
   * A browser, the only client that must carry its token in the subprotocol, cannot read the
   * status of a refused upgrade and would take a 401 for an unreachable gateway and retry
   * forever. So a refused subprotocol token gets a WebSocket that is closed at once with
   * UNAUTHORIZED_CLOSE_CODE; no handler reads its messages, so nothing it sends is processed.
   */
  #refuseAfterUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, code: string): void {
    this.#wss.handleUpgrade(req, socket, head, (ws) => {
      this.#refused.add(ws);
      ws.on('close', () => this.#refused.delete(ws));
      // A peer that breaks the close handshake is simply cut; an unhandled 'error' would crash the gateway.
      ws.on('error', () => ws.terminate());
      ws.close(UNAUTHORIZED_CLOSE_CODE, unauthorizedReason(code));
    });
  }

  /** Cuts the refused sockets (they hold nothing worth a close handshake) and closes the server. */
  async close(): Promise<void> {
    for (const timer of this.#awaitingHeaders.values()) clearTimeout(timer);
    this.#awaitingHeaders.clear();
    for (const ws of this.#refused) ws.terminate();
    await new Promise<void>((resolve) => this.#wss.close(() => resolve()));
  }
}

/** `UNAUTHORIZED: token expired` for TOKEN_EXPIRED: the close reason of a refused token. */
export function unauthorizedReason(code: string): string {
  return `UNAUTHORIZED: ${code.toLowerCase().replace(/_/g, ' ')}`;
}

/** The token from `Sec-WebSocket-Protocol: media-sync.v2, token.<t>`, `Authorization: Bearer <t>` or `?token=<t>`. */
function tokenOf(req: IncomingMessage, url: URL): { token: string; inSubprotocol: boolean } | undefined {
  const protocols = req.headers['sec-websocket-protocol'];
  if (protocols) {
    for (const value of protocols.split(',')) {
      const trimmed = value.trim();
      if (trimmed.startsWith(TOKEN_SUBPROTOCOL_PREFIX)) {
        return { token: trimmed.slice(TOKEN_SUBPROTOCOL_PREFIX.length), inSubprotocol: true };
      }
    }
  }
  const authorization = req.headers.authorization;
  if (authorization?.startsWith('Bearer ')) {
    return { token: authorization.slice('Bearer '.length).trim(), inSubprotocol: false };
  }
  const query = url.searchParams.get('token');
  return query === null ? undefined : { token: query, inSubprotocol: false };
}

export function refuse(socket: Duplex, status: number, reason: string, code?: string): void {
  const body = JSON.stringify({ error: reason, ...(code ? { code } : {}) });
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}

function increment(counts: Map<string, number>, key: string, by: number): void {
  const next = (counts.get(key) ?? 0) + by;
  if (next <= 0) counts.delete(key);
  else counts.set(key, next);
}

/**
 * Logs refusals without letting a connection storm flood the log: the first of a kind at once,
 * then at most one line a second with how many happened since.
 */
class RefusalLog {
  readonly #log: SyncServerLogger;
  readonly #kinds = new Map<string, { lastAt: number; since: number }>();

  constructor(log: SyncServerLogger) {
    this.#log = log;
  }

  note(message: string, fields: Record<string, unknown>): void {
    const now = Date.now();
    const kind = this.#kinds.get(message);
    if (kind !== undefined && now - kind.lastAt < 1000) {
      kind.since += 1;
      return;
    }
    this.#log.warn({ ...fields, count: (kind?.since ?? 0) + 1 }, message);
    this.#kinds.set(message, { lastAt: now, since: 0 });
  }
}
