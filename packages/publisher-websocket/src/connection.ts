import {
  decodeGatewayMessage,
  GATEWAY_SUBPROTOCOL,
  type GatewayMessage,
  type HelloMessage,
  TOKEN_SUBPROTOCOL_PREFIX,
  UNAUTHORIZED_CLOSE_CODE,
} from '@media-sync/protocol';
import { backoffDelay, type ConnectionState } from '@media-sync/queue';

/** The part of the WHATWG WebSocket both browsers and `ws` provide. */
export interface WebSocketLike {
  binaryType: string;
  readonly readyState: number;
  onopen: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onclose: ((event: { code: number; reason: string }) => void) | null;
  onerror: ((event: unknown) => void) | null;
  send(data: Uint8Array): void;
  close(code?: number, reason?: string): void;
}

export type WebSocketConstructor = new (url: string, protocols?: string | string[]) => WebSocketLike;

export interface BackoffOptions {
  /** First reconnect delay. Default 100 ms. */
  readonly initialMs?: number;
  /** Growth per failed attempt. Default 2. */
  readonly factor?: number;
  /** Longest delay. Default 5 000 ms. */
  readonly maxMs?: number;
}

export interface ConnectionOptions {
  /** Gateway URL, `ws://host:port`. */
  readonly url: string;
  /** Token from the gateway's `createToken` (sent as the `token.<token>` subprotocol). */
  readonly token: string;
  /** WebSocket implementation; default `ws` where it loads (Node), else the global one (browsers). */
  readonly WebSocket?: WebSocketConstructor;
  readonly backoff?: BackoffOptions;
}

export type ConnectionEvent =
  | { readonly type: 'hello'; readonly hello: HelloMessage }
  | { readonly type: 'message'; readonly message: GatewayMessage }
  | { readonly type: 'closed' }
  | { readonly type: 'unauthorized' }
  /** An attempt ended before the gateway's HELLO; `reason` says why when the OS told. */
  | { readonly type: 'failed'; readonly reason: string };

/**
 * One logical link to the gateway that survives disconnects: reconnects with exponential
 * backoff and jitter, counts as online from the gateway's HELLO until the socket closes, and
 * gives up for good when the gateway refuses the token (HTTP 401, or close code 4401).
 */
export class GatewayConnection {
  state: ConnectionState = 'offline';
  unauthorized = false;
  /** Why the gateway refused the token, when it said (`UNAUTHORIZED: token expired`). */
  unauthorizedReason: string | undefined;
  closed = false;
  hello: HelloMessage | undefined;
  readonly #options: ConnectionOptions;
  readonly #url: () => string;
  readonly #onEvent: (event: ConnectionEvent) => void;
  readonly #stateListeners = new Set<(state: ConnectionState) => void>();
  #socket: WebSocketLike | undefined;
  #attempt = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(options: ConnectionOptions, url: () => string, onEvent: (event: ConnectionEvent) => void) {
    if (typeof options.url !== 'string' || typeof options.token !== 'string') {
      throw new TypeError('url and token must be strings');
    }
    // A URL that can never work is a mistake to say at once, not an outage to retry forever.
    let parsed: URL | undefined;
    try {
      parsed = new URL(options.url);
    } catch {
      parsed = undefined;
    }
    if (parsed === undefined || (parsed.protocol !== 'ws:' && parsed.protocol !== 'wss:')) {
      throw new TypeError(
        `invalid gateway URL ${JSON.stringify(options.url)}: expected ws://host:port or wss://host:port`,
      );
    }
    this.#options = options;
    this.#url = url;
    this.#onEvent = onEvent;
  }

  start(): void {
    void this.#connect();
  }

  onState(listener: (state: ConnectionState) => void): () => void {
    this.#stateListeners.add(listener);
    return () => this.#stateListeners.delete(listener);
  }

  /** Sends once the gateway's HELLO arrived on the open socket; false otherwise. */
  send(bytes: Uint8Array): boolean {
    if (this.hello === undefined || this.#socket === undefined) return false;
    this.#socket.send(bytes);
    return true;
  }

  /**
   * Tries at once instead of waiting out the reconnect backoff: someone wants to send now, and
   * the OS answers a refused port or an unknown host in milliseconds.
   */
  connectNow(): void {
    if (this.#timer === undefined || this.closed || this.unauthorized) return;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    void this.#connect();
  }

  /** Drops the socket (it reconnects); used after a timeout leaves the link in doubt. */
  drop(): void {
    this.#socket?.close(4000, 'client reset');
  }

  close(): void {
    this.closed = true;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#socket?.close(1000, 'client closed');
    this.#setState('offline');
  }

  async #connect(): Promise<void> {
    if (this.closed || this.unauthorized) return;
    let socket: WebSocketLike;
    try {
      const Impl = this.#options.WebSocket ?? (await defaultWebSocket());
      socket = new Impl(this.#url(), [GATEWAY_SUBPROTOCOL, `${TOKEN_SUBPROTOCOL_PREFIX}${this.#options.token}`]);
    } catch {
      this.#scheduleReconnect();
      return;
    }
    if (this.closed) {
      // Closed while the WebSocket implementation loaded: `ws` reports closing a socket that is
      // still connecting as an error event, which must not go unhandled.
      socket.onerror = () => undefined;
      socket.close(1000, 'client closed');
      return;
    }
    this.#socket = socket;
    socket.binaryType = 'arraybuffer';
    let refused = false;
    let failure: string | undefined;
    socket.onerror = (event) => {
      // `ws` reports the HTTP status of a refused upgrade; browsers only see a closed socket.
      const message = (event as { message?: unknown; error?: { message?: unknown } }).message;
      if (typeof message === 'string' && /\b401\b/.test(message)) refused = true;
      failure = describeFailure(event);
    };
    socket.onmessage = (event) => this.#onMessage(event.data);
    socket.onclose = (event) => {
      // A browser never sees the 401, so the gateway refuses a subprotocol token by closing with 4401.
      if (event.code === UNAUTHORIZED_CLOSE_CODE) {
        refused = true;
        if (event.reason) this.unauthorizedReason = event.reason;
      }
      if (this.#socket !== socket) return;
      const greeted = this.hello !== undefined;
      this.#socket = undefined;
      this.hello = undefined;
      this.#setState('offline');
      // Frames in flight when the token is refused (after the HELLO) fail as UNAUTHORIZED, not DISCONNECTED.
      if (refused) {
        this.unauthorized = true;
        this.#onEvent({ type: 'unauthorized' });
        return;
      }
      if (!greeted) {
        this.#onEvent({
          type: 'failed',
          reason: failure ?? `the connection closed before the gateway's hello (code ${event.code})`,
        });
      }
      this.#onEvent({ type: 'closed' });
      this.#scheduleReconnect();
    };
  }

  #onMessage(data: unknown): void {
    const bytes = toBytes(data);
    let message: GatewayMessage;
    try {
      if (bytes === undefined) return;
      message = decodeGatewayMessage(bytes);
    } catch {
      // A message this client cannot read is not an answer to anything it waits for.
      return;
    }
    if (message.type === 'hello') {
      this.hello = message;
      this.#attempt = 0;
      this.#onEvent({ type: 'hello', hello: message });
      this.#setState('online');
      return;
    }
    this.#onEvent({ type: 'message', message });
  }

  #scheduleReconnect(): void {
    if (this.closed || this.unauthorized) return;
    const { initialMs = 100, factor = 2, maxMs = 5000 } = this.#options.backoff ?? {};
    this.#attempt += 1;
    // The queue's schedule, jittered between half and all of it so devices do not reconnect in step.
    const backoff = { baseMs: initialMs, factor, capMs: maxMs, jitter: 0.5 };
    this.#timer = setTimeout(
      () => {
        this.#timer = undefined;
        void this.#connect();
      },
      backoffDelay(this.#attempt, backoff, Math.random),
    );
  }

  #setState(state: ConnectionState): void {
    if (this.state === state) return;
    this.state = state;
    for (const listener of this.#stateListeners) listener(state);
  }
}

/** Why a connection attempt failed, from the error `ws` (or the OS below it) reported. */
function describeFailure(event: unknown): string | undefined {
  const error = (event as { error?: { code?: unknown; message?: unknown } }).error;
  const code = typeof error?.code === 'string' ? error.code : undefined;
  const message = typeof error?.message === 'string' ? error.message : undefined;
  switch (code) {
    case 'ECONNREFUSED':
      return 'connection refused (nothing listens on that port)';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `DNS lookup failed (${code})`;
    case 'ETIMEDOUT':
    case 'ENETUNREACH':
    case 'EHOSTUNREACH':
      return `the host did not answer (${code})`;
    case 'ECONNRESET':
      return 'the connection was reset';
    default:
      break;
  }
  if (
    (code !== undefined && /SSL|TLS|CERT|EPROTO/.test(code)) ||
    (message !== undefined && /SSL|TLS|certificate/i.test(message))
  ) {
    return `TLS handshake failed (${code ?? message}): is it wss:// to a ws:// server, or the other way round?`;
  }
  if (message !== undefined && /Unexpected server response: (\d+)/.test(message)) {
    return `the server answered the upgrade with HTTP ${/Unexpected server response: (\d+)/.exec(message)?.[1]}`;
  }
  return message ?? code;
}

function toBytes(data: unknown): Uint8Array | undefined {
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return undefined;
}

let wsModule: Promise<WebSocketConstructor | undefined> | undefined;

/**
 * `ws` wherever it loads, because it also reports the HTTP status of a refused upgrade (older
 * gateways answer a bad token only with 401); the global WebSocket only where `ws` does not
 * load or is its browser stub, which exports no WebSocket class.
 */
async function defaultWebSocket(): Promise<WebSocketConstructor> {
  wsModule ??= import('ws').then(
    (module) => {
      const Impl = (module as { WebSocket?: unknown }).WebSocket;
      return typeof Impl === 'function' ? (Impl as WebSocketConstructor) : undefined;
    },
    () => undefined,
  );
  const ws = await wsModule;
  if (ws !== undefined) return ws;
  const global = (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
  if (global === undefined) throw new TypeError('no WebSocket implementation: install `ws` or pass one');
  return global;
}
