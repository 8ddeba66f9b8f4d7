import type { IncomingMessage } from 'node:http';
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
  readonly #onConnection: (ws: WebSocket, claims: TokenClaims) => void;
  /** Upgraded only to be closed with UNAUTHORIZED_CLOSE_CODE; never sessions. */
  readonly #refused = new Set<WebSocket>();

  constructor(deps: {
    limits: GatewayLimits;
    verify: (token: string) => Promise<TokenClaims>;
    log: SyncServerLogger;
    counters: Counters;
    closing: () => boolean;
    onConnection: (ws: WebSocket, claims: TokenClaims) => void;
  }) {
    this.#verify = deps.verify;
    this.#log = deps.log;
    this.#counters = deps.counters;
    this.#closing = deps.closing;
    this.#onConnection = deps.onConnection;
    this.#wss = new WebSocketServer({
      noServer: true,
      maxPayload: deps.limits.maxMessageBytes,
      handleProtocols: (protocols) => (protocols.has(GATEWAY_SUBPROTOCOL) ? GATEWAY_SUBPROTOCOL : false),
    });
  }

  handle(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    void this.#handle(req, socket, head);
  }

  async #handle(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    if (this.#closing()) {
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
      this.#log.warn('connection refused', { code, remote: req.socket.remoteAddress });
      if (presented?.inSubprotocol) this.#refuseAfterUpgrade(req, socket, head, code);
      else refuse(socket, 401, 'Unauthorized', code);
      return;
    }
    // The token check may have let the gateway start closing, or the peer hang up, meanwhile.
    if (this.#closing()) {
      refuse(socket, 503, 'Service Unavailable');
      return;
    }
    if (socket.destroyed) return;
    this.#wss.handleUpgrade(req, socket, head, (ws) => this.#onConnection(ws, claims));
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
