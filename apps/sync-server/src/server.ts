import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { type Codec, createCodec } from '@media-sync/codec';
import {
  decodeGatewayMessage,
  type ErrorMessage,
  GATEWAY_PROTOCOL_VERSION,
  type GatewayMessage,
  UNAUTHORIZED_CLOSE_CODE,
} from '@media-sync/protocol';
import type { ProgressEntry, WatchlistEntry } from '@media-sync/state';
import type { WebSocket } from 'ws';
import { Delivery } from './delivery.js';
import { createLocalFanout, createNatsFanout, type Fanout, registerFanoutMetrics } from './fanout.js';
import { InboundScheduler } from './flow.js';
import { Ingest } from './ingest.js';
import { type GatewayLimits, type LimitOptions, resolveLimits } from './limits.js';
import { SILENT, type SyncServerLogger } from './logger.js';
import { FrameTimer, GatewayPrometheus, instrumentStore } from './metrics.js';
import { DeviceBudgets } from './quotas.js';
import { type Counters, type LimitCounters, newCounters, type Session, send } from './session.js';
import { openGatewayStore } from './store/open.js';
import type { GatewayStore, Synchronous } from './store.js';
import { StoreHealth } from './store-health.js';
import { keysOf, type TokenClaims, type TokenSecrets, verifyToken } from './token.js';
import { Upgrades, unauthorizedReason } from './upgrade.js';
import { UserCache } from './user-cache.js';
import { UserState } from './user-state.js';

export type { SyncServerLogger } from './logger.js';

export type { LimitCounters } from './session.js';

/** Options of the gateway; every bound a client can run into is one of `LimitOptions` (README, limits). */
export interface SyncServerOptions extends LimitOptions {
  /** TCP port; 0 (the default) picks a free one. */
  readonly port?: number;
  /** Interface to listen on. Default 127.0.0.1 (loopback only). */
  readonly host?: string;
  /**
   * The key(s) of device tokens (JWT, HS256): one secret, or several by `kid` while a secret is
   * rotated (all verify; see `createToken`).
   */
  readonly secret: TokenSecrets;
  /** SQLite file of the durable state. Default `:memory:` (not durable; says so in the log). */
  readonly dbPath?: string;
  /**
   * The durable state instead of `dbPath`: a PostgreSQL URL (`postgres://user@host:5432/db`,
   * shared by any number of gateways; `?schema=NAME` picks a schema), an SQLite file
   * (`sqlite:PATH` or a plain path), or an open `GatewayStore` (the gateway then leaves it open
   * when it closes). Migrations run on start.
   */
  readonly store?: string | GatewayStore;
  readonly logger?: SyncServerLogger;
  /** Clock for token and command expiry and drift (tests). Default `Date.now`. */
  readonly now?: () => number;
  /** A codec to share (it holds the zstd module); one is created otherwise. */
  readonly codec?: Codec;
  /**
   * SQLite `synchronous`: `full` (default) syncs each commit, so an acknowledged frame survives a
   * power cut; `normal` survives process crashes only.
   */
  readonly synchronous?: Synchronous;
  /**
   * Commit the frames that arrive in one turn of the event loop, from every connection, in one
   * transaction (one sync), and send their ACKs after it. Default true; false commits each frame
   * on its own (to measure the difference).
   */
  readonly groupCommit?: boolean;
  /**
   * Fan-out between instances that share one store: a NATS URL (`nats://host:4222`), or a
   * `Fanout` of your own. Default none: one instance, everything delivered in-process.
   */
  readonly fanout?: string | Fanout;
  /** First subject tokens of the NATS fan-out; instances of one population share it. Default `media-sync.gateway`. */
  readonly fanoutSubjectPrefix?: string;
  /**
   * With a fan-out, every this many ms each connected user's log head is read once and
   * subscribers behind it catch up: what a lost notice costs at most. Default 15 000.
   */
  readonly fanoutSweepMs?: number;
}

export interface GatewayMetrics {
  readonly connections: number;
  readonly framesAccepted: number;
  readonly framesDuplicate: number;
  readonly framesFailed: number;
  readonly opsApplied: number;
  readonly opsDuplicate: number;
  readonly opsRejected: number;
  readonly commandsStored: number;
  readonly commandsDelivered: number;
  readonly commandsExpired: number;
  readonly bytesReceived: number;
  readonly fanoutFrames: number;
  /** Milliseconds spent decoding, merging and committing frames (ingest ops/s = ops / this). */
  readonly ingestMs: number;
  /** User states held in memory (at most `maxCachedUsers` unless more users than that are connected). */
  readonly cachedUsers: number;
  /** Upgrades refused for a missing, malformed, forged or expired token. */
  readonly connectionsRefused: number;
  /** Open connections closed (4401) because their token expired. */
  readonly tokensExpired: number;
  /** Store transactions that committed frames (a group commit holds every frame of one event-loop turn). */
  readonly commits: number;
  /** Inbound bytes all connections hold now (unfinished and queued messages), at most `maxInboundBytes`. */
  readonly inboundHeldBytes: number;
  /** Outbound bytes counted as queued for all connections now, at most `maxTotalOutboundBytes`. */
  readonly outboundQueuedBytes: number;
  /** Notices of this instance's commits handed to the fan-out broker (0 without `fanout`). */
  readonly fanoutNoticesPublished: number;
  /** Notices of other instances' commits received for users connected here. */
  readonly fanoutNoticesReceived: number;
  /** Times the link to the fan-out broker came back after it dropped (each followed by a catch-up). */
  readonly fanoutReconnects: number;
}

export interface SyncServer {
  /** `ws://host:port` to give to clients. */
  readonly url: string;
  readonly port: number;
  /**
   * The merged progress and watchlist of a user, as every converged replica holds them (with
   * what other gateways on the same store accepted).
   */
  stateOf(userId: string): Promise<{ progress: ProgressEntry[]; watchlist: WatchlistEntry[] }>;
  /** The user's log cursor: how many state ops the store has accepted for them. */
  headOf(userId: string): Promise<number>;
  metrics(): GatewayMetrics;
  /** How often each bound was hit, one counter per bound (README, limits); also in `/healthz`. */
  limitsHit(): Readonly<LimitCounters>;
  /**
   * The gateway's Prometheus metrics (served at `GET /metrics`): its registry, and
   * `observeFanoutLag` for whatever delivers changes from other instances.
   */
  readonly prometheus: GatewayPrometheus;
  /** Stops accepting, lets in-flight frames finish, closes every connection and the database. */
  close(): Promise<void>;
}

/** Starts the gateway; resolves once it listens. */
export async function startSyncServer(options: SyncServerOptions): Promise<SyncServer> {
  keysOf(options.secret);
  const limits = resolveLimits(options);
  // No baseline totals: the gateway never reads codec metrics, and keeping them would hold up to
  // 65 536 fanned-out ops by reference and size each again as JSON and protobuf.
  const codec = options.codec ?? (await createCodec({ limits: limits.decode, baselineTotals: false }));
  const log = options.logger ?? SILENT;
  let store: GatewayStore;
  let ownsStore = true;
  if (typeof options.store === 'object') {
    store = options.store;
    ownsStore = false;
  } else {
    const location = options.store ?? options.dbPath ?? ':memory:';
    if (location === ':memory:') log.warn({}, 'gateway state is in memory: it will not survive a restart');
    store = await openGatewayStore(location, options.synchronous ? { synchronous: options.synchronous } : {});
  }
  let gateway: Gateway;
  try {
    const fanout =
      typeof options.fanout === 'string'
        ? createNatsFanout({
            servers: options.fanout,
            ...(options.fanoutSubjectPrefix === undefined ? {} : { subjectPrefix: options.fanoutSubjectPrefix }),
          })
        : (options.fanout ?? createLocalFanout());
    gateway = new Gateway(options, limits, codec, fanout, store, ownsStore);
  } catch (error) {
    // The store is released (an SQLite file stays locked otherwise).
    if (ownsStore) await store.close();
    throw error;
  }
  try {
    await gateway.start(options.fanoutSweepMs ?? DEFAULT_FANOUT_SWEEP_MS);
    await gateway.listen(options.port ?? 0, options.host ?? '127.0.0.1');
  } catch (error) {
    await gateway.close();
    throw error;
  }
  return gateway;
}

/** Same as `startSyncServer`. */
export const createSyncServer = startSyncServer;

const DEFAULT_FANOUT_SWEEP_MS = 15_000;

/**
 * Codec context versions kept per connection (the codec's default is 16, each a copy of the
 * context): a publisher has a few frames in flight on one acknowledged base at most; a frame on
 * a dropped version fails CONTEXT_MISMATCH and is sent again self-contained.
 */
const SESSION_CONTEXT_VERSIONS = 4;

/** Node's timers take at most a signed 32-bit delay; a longer wait is re-armed in steps. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * `/healthz` reads the store at most once a second, and calls it unreachable when a read takes
 * over 2 s: an answer that slow would also hold every frame's dedupe read.
 */
const STORE_CHECK_CACHE_MS = 1_000;
const STORE_CHECK_TIMEOUT_MS = 2_000;

/** WebSocket close code 1013, "try again later" (RFC 6455 registry). */
const TRY_AGAIN_LATER_CLOSE_CODE = 1013;

/**
 * Wires the parts together: `Upgrades` (HTTP, tokens), `Ingest` (frames to ACKs), `Delivery`
 * (fan-out, catch-up, commands), the store and the user cache; owns the sessions and shutdown.
 */
class Gateway implements SyncServer {
  url = '';
  port = 0;
  readonly #limits: GatewayLimits;
  readonly #store: GatewayStore;
  readonly #ownsStore: boolean;
  readonly #storeHealth: StoreHealth;
  readonly #log: SyncServerLogger;
  readonly #now: () => number;
  readonly #http: Server;
  readonly #users: UserCache;
  readonly #sessions = new Set<Session>();
  readonly #counters: Counters = newCounters();
  readonly #codec: Codec;
  readonly #upgrades: Upgrades;
  readonly #delivery: Delivery;
  readonly #ingest: Ingest;
  readonly #inbound: InboundScheduler;
  readonly prometheus: GatewayPrometheus;
  readonly #heartbeat: ReturnType<typeof setInterval>;
  readonly #fanout: Fanout;
  #closing: Promise<void> | undefined;

  constructor(
    options: SyncServerOptions,
    limits: GatewayLimits,
    codec: Codec,
    fanout: Fanout,
    store: GatewayStore,
    ownsStore: boolean,
  ) {
    this.#limits = limits;
    this.#codec = codec;
    this.#log = options.logger ?? SILENT;
    this.#now = options.now ?? Date.now;
    this.prometheus = new GatewayPrometheus({
      counters: this.#counters,
      openConnections: () => this.#sessions.size,
      cachedUsers: () => this.#users.size,
      inboundHeldBytes: () => this.#inbound.heldBytes,
      outboundQueuedBytes: () => this.#inbound.queuedOutboundBytes,
      sessionContexts: () => {
        let holding = 0;
        for (const session of this.#sessions) if (session.holdsContext) holding += 1;
        return holding;
      },
    });
    this.#store = instrumentStore(store, this.prometheus);
    this.#ownsStore = ownsStore;
    // Unmetered: a probe is not a store call of the gateway's work.
    this.#storeHealth = new StoreHealth(store, { cacheMs: STORE_CHECK_CACHE_MS, timeoutMs: STORE_CHECK_TIMEOUT_MS });
    // An evicted user is loaded exactly as after a restart: last snapshot plus the log after it.
    this.#users = new UserCache(limits.maxCachedUsers, (userId) => UserState.load(this.#store, userId));
    this.#fanout = fanout;
    registerFanoutMetrics(this.prometheus.registry, fanout);
    this.#delivery = new Delivery({
      codec,
      store: this.#store,
      counters: this.#counters,
      limits,
      now: this.#now,
      fanout,
      onCatchUpFailure: (session, error) => this.#cut(session, 'catch-up failed', error),
      onFanoutLag: (ms) => this.prometheus.observeFanoutLag(ms / 1000, 'remote'),
    });
    const budgets = new DeviceBudgets(this.#store, limits, this.#counters.limits);
    this.#ingest = new Ingest({
      store: this.#store,
      users: this.#users,
      delivery: this.#delivery,
      counters: this.#counters,
      limits,
      now: this.#now,
      log: this.#log,
      groupCommit: options.groupCommit ?? true,
      budgets,
    });
    this.#inbound = new InboundScheduler(limits, this.#counters.limits, this.#log, {
      handlersWaitForIo: this.#store.waitsForIo ?? false,
    });
    const secret = options.secret;
    this.#upgrades = new Upgrades({
      limits,
      verify: (token) => verifyToken(token, secret, this.#now()),
      log: this.#log,
      counters: this.#counters,
      closing: () => this.#closing !== undefined,
      refused: (reason) => this.prometheus.connectionRefused(reason),
      onConnection: (ws, claims, socket) => this.#onConnection(ws, claims, socket),
    });
    this.#http = createServer((req, res) => this.#onRequest(req, res));
    this.#upgrades.guard(this.#http);
    this.#http.on('upgrade', (req, socket, head) => this.#upgrades.handle(req, socket, head));
    // Peers that vanished without closing (a dropped network) are found by ping and cut, so
    // they stop counting as connected devices.
    this.#heartbeat = setInterval(() => {
      for (const session of this.#sessions) {
        if (!session.alive) {
          session.ws.terminate();
          continue;
        }
        session.alive = false;
        session.ws.ping();
        // A connection that sent no frame for a whole period gives back its codec context
        // (up to a few MiB for a sender of thousands of distinct ids): most connected devices
        // are idle. Its next session frame fails CONTEXT_MISMATCH and comes again self-contained.
        if (!session.sentFrames && session.holdsContext) {
          session.decoder.reset();
          session.holdsContext = false;
          this.#counters.contextsReleased += 1;
        }
        session.sentFrames = false;
      }
    }, limits.heartbeatMs);
    this.#heartbeat.unref();
  }

  /** Connects the fan-out between instances (nothing to do for one instance). */
  start(sweepMs: number): Promise<void> {
    return this.#delivery.start(sweepMs);
  }

  listen(port: number, host: string): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#http.once('error', reject);
      this.#http.listen(port, host, () => {
        this.#http.off('error', reject);
        const address = this.#http.address() as AddressInfo;
        this.port = address.port;
        const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
        this.url = `ws://${shownHost}:${address.port}`;
        this.#log.info({ url: this.url }, 'gateway listening');
        resolve();
      });
    });
  }

  async stateOf(userId: string): Promise<{ progress: ProgressEntry[]; watchlist: WatchlistEntry[] }> {
    const user = await this.#users.get(userId);
    // Other gateways may have logged ops of this user: the cache takes them in first.
    await user.catchUp(this.#store, await this.#store.head(userId));
    const replica = user.replica;
    return { progress: replica.progress(), watchlist: replica.watchlist({ includeTombstones: true }) };
  }

  headOf(userId: string): Promise<number> {
    return this.#store.head(userId);
  }

  metrics(): GatewayMetrics {
    const { limits: _limits, opsRejectedByCode: _byCode, contextsReleased: _released, ...counters } = this.#counters;
    const fanout = this.#fanout.stats();
    return {
      connections: this.#sessions.size,
      ...counters,
      cachedUsers: this.#users.size,
      inboundHeldBytes: this.#inbound.heldBytes,
      outboundQueuedBytes: this.#inbound.queuedOutboundBytes,
      fanoutNoticesPublished: fanout.published,
      fanoutNoticesReceived: fanout.received,
      fanoutReconnects: fanout.reconnects,
    };
  }

  limitsHit(): Readonly<LimitCounters> {
    return { ...this.#counters.limits };
  }

  close(): Promise<void> {
    this.#closing ??= this.#shutdown();
    return this.#closing;
  }

  async #shutdown(): Promise<void> {
    clearInterval(this.#heartbeat);
    // A frame is committed whole before its ACK, so none is ever half done: stop accepting,
    // close every socket (a frame that arrives during the close handshake is still handled,
    // with the store open), wait for the messages being handled and the commits, and only then
    // close the store.
    const httpClosed = new Promise<void>((resolve) => this.#http.close(() => resolve()));
    const socketsClosed = [...this.#sessions].map(
      (session) =>
        new Promise<void>((resolve) => {
          if (session.ws.readyState === session.ws.CLOSED) resolve();
          else session.ws.once('close', () => resolve());
        }),
    );
    for (const session of this.#sessions) session.ws.close(1001, 'gateway shutting down');
    // A peer that never answers the close handshake is cut.
    const deadline = setTimeout(() => {
      for (const session of this.#sessions) session.ws.terminate();
    }, this.#limits.closeGraceMs);
    deadline.unref();
    this.#http.closeAllConnections();
    const upgradesClosed = this.#upgrades.close();
    await Promise.all([httpClosed, ...socketsClosed, upgradesClosed]);
    clearTimeout(deadline);
    // Frames received during the close handshake are committed (their sockets are gone, so
    // their ACKs go nowhere, but a frame is never half done).
    await this.#inbound.idle();
    await this.#ingest.flush();
    // The notices of those last commits go out before the link to the other instances closes.
    await this.#delivery.close();
    // A fresh snapshot makes the next start replay no log.
    for (const user of this.#users.states()) {
      try {
        await this.#store.putSnapshot(user.userId, user.head, JSON.stringify(user.replica));
      } catch (error) {
        this.#log.warn({ userId: user.userId, error: String(error) }, 'could not write the shutdown snapshot');
      }
    }
    if (this.#ownsStore) await this.#store.close();
    this.#log.info({}, 'gateway closed');
  }

  #onRequest(req: IncomingMessage, res: ServerResponse): void {
    this.#upgrades.headersReceived(req.socket);
    const path = (req.url ?? '/').split('?')[0];
    if (req.method === 'GET' && path === '/healthz') {
      void this.#healthz(res);
      return;
    }
    if (req.method === 'GET' && path === '/metrics') {
      this.prometheus.text().then(
        (text) => {
          res.writeHead(200, { 'content-type': this.prometheus.contentType });
          res.end(text);
        },
        (error: unknown) => {
          res.writeHead(500, { 'content-type': 'text/plain' });
          res.end(`metrics failed: ${String(error)}`);
        },
      );
      return;
    }
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: 'not found' }));
  }

  /**
   * 200 `ok` while the gateway serves and its store answers; 503 `closing`, or 503 `store
   * unreachable` when the store's last check failed (frames would get INTERNAL, connections be
   * cut): a load balancer then sends devices elsewhere. The check is cached and bounded.
   */
  async #healthz(res: ServerResponse): Promise<void> {
    const closing = this.#closing !== undefined;
    const store = closing ? undefined : await this.#storeHealth.check();
    const status = closing ? 'closing' : store?.ok ? 'ok' : 'store unreachable';
    res.writeHead(status === 'ok' ? 200 : 503, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        status,
        ...(store === undefined
          ? {}
          : {
              store: {
                kind: store.kind,
                ok: store.ok,
                latencyMs: store.latencyMs,
                ...(store.error === undefined ? {} : { error: store.error }),
                checkedMsAgo: Math.round(performance.now() - store.at),
              },
            }),
        connections: this.#sessions.size,
        rssBytes: process.memoryUsage.rss(),
        inboundHeldBytes: this.#inbound.heldBytes,
        outboundQueuedBytes: this.#inbound.queuedOutboundBytes,
        tokensExpired: this.#counters.tokensExpired,
        limits: this.#counters.limits,
      }),
    );
  }

  #onConnection(ws: WebSocket, claims: TokenClaims, socket: Duplex): void {
    const identity = { userId: claims.userId, deviceId: claims.deviceId };
    // Messages reach #onMessage through the inbound scheduler, in turn with other connections.
    const flow = this.#inbound.open(ws, socket, identity, (data, isBinary, receivedAt) =>
      this.#onMessage(session, data, isBinary, receivedAt),
    );
    const session: Session = {
      flow,
      ws,
      userId: claims.userId,
      deviceId: claims.deviceId,
      decoder: this.#codec.createSessionDecoder(undefined, {
        deviceId: claims.deviceId,
        // The token names the user, as the queue's user-bound frames expect of their channel.
        userId: claims.userId,
        maxVersions: SESSION_CONTEXT_VERSIONS,
      }),
      sentFrames: false,
      holdsContext: false,
      expiresAt: claims.expiresAt,
      subscribed: false,
      live: false,
      cursor: 0,
      catchingUp: false,
      catchUpAgain: false,
      commands: undefined,
      lagMark: undefined,
      alive: true,
      frames: new FrameTimer(),
      prometheus: this.prometheus,
      log: this.#log,
    };
    ws.on('pong', () => {
      session.alive = true;
    });
    this.#sessions.add(session);
    this.prometheus.connectionOpened();
    this.#users.connected(session.userId);
    const expiry = this.#closeAtExpiry(session);
    const openedAt = performance.now();
    this.#log.info(
      {
        userId: session.userId,
        deviceId: session.deviceId,
        remote: (socket as { remoteAddress?: string }).remoteAddress,
      },
      'connection opened',
    );
    ws.on('close', (code: number, reason: Buffer) => {
      clearTimeout(expiry.timer);
      this.#sessions.delete(session);
      this.prometheus.connectionClosed();
      this.#log.info(
        {
          userId: session.userId,
          deviceId: session.deviceId,
          code,
          reason: reason.toString(),
          seconds: Math.round(performance.now() - openedAt) / 1000,
        },
        'connection closed',
      );
      this.#delivery.closed(session);
      this.#users.disconnected(session.userId);
    });
    ws.on('error', (error) => this.#log.warn({ deviceId: session.deviceId, error: String(error) }, 'connection error'));
    // A store failure here must not become an unhandled rejection. The device cannot be
    // served without its registration, so it is cut instead and reconnects later: with 1013
    // (try again later) and a reason that names the store, not a bare internal error.
    this.#store.registerDevice(claims.userId, claims.deviceId).then(
      () =>
        send(session, {
          type: 'hello',
          protocol: GATEWAY_PROTOCOL_VERSION,
          userId: claims.userId,
          deviceId: claims.deviceId,
          maxFrameBytes: this.#limits.maxFrameBytes,
          tokenExpiresAt: claims.expiresAt,
        }),
      (error) => {
        this.#log.error({ deviceId: session.deviceId, error: String(error) }, 'connection not set up');
        session.ws.close(TRY_AGAIN_LATER_CLOSE_CODE, 'the gateway cannot reach its store; try again later');
      },
    );
  }

  /**
   * A token grants a connection until it expires, not only its upgrade: at `expiresAt` the
   * connection is closed with 4401, as a refused token is, and the client needs a new one.
   */
  #closeAtExpiry(session: Session): { timer: ReturnType<typeof setTimeout> | undefined } {
    const handle: { timer: ReturnType<typeof setTimeout> | undefined } = { timer: undefined };
    const arm = () => {
      const left = session.expiresAt - this.#now();
      if (left > 0) {
        handle.timer = setTimeout(arm, Math.min(left, MAX_TIMER_MS));
        handle.timer.unref();
        return;
      }
      this.#counters.tokensExpired += 1;
      this.#log.info({ userId: session.userId, deviceId: session.deviceId }, 'token expired; connection closed');
      // Cut if the peer does not finish the close handshake: an expired token holds nothing.
      session.flow.shut(UNAUTHORIZED_CLOSE_CODE, unauthorizedReason('TOKEN_EXPIRED'));
    };
    arm();
    return handle;
  }

  /** Closes a connection the gateway cannot serve after a database failure; it reconnects later. */
  #cut(session: Session, message: string, error: unknown): void {
    this.#log.error({ deviceId: session.deviceId, error: String(error) }, message);
    session.ws.close(1011, 'gateway internal error');
  }

  /** Resolves once the message is handled; never rejects (a store failure is answered or cuts). */
  async #onMessage(session: Session, data: Uint8Array, isBinary: boolean, receivedAt: number): Promise<void> {
    // A token that expired while its frame was in flight no longer grants anything.
    if (this.#now() >= session.expiresAt) return;
    let message: GatewayMessage;
    try {
      if (!isBinary) throw new TypeError('a text message');
      message = decodeGatewayMessage(data);
    } catch {
      this.#sendError(session, { frameId: 0, code: 'BAD_MESSAGE', message: 'expected a binary GatewayMessage' });
      return;
    }
    switch (message.type) {
      case 'frame':
        session.sentFrames = true;
        session.holdsContext = true;
        session.frames.received(message.frameId, receivedAt);
        this.#counters.bytesReceived += message.frame.length;
        await this.#ingest.receive(session, message.frameId, message.frame);
        return;
      case 'subscribe':
        if (session.subscribed) {
          this.#sendError(session, { frameId: 0, code: 'BAD_MESSAGE', message: 'already subscribed' });
          return;
        }
        try {
          this.#delivery.subscribe(session, Number.isSafeInteger(message.since) ? message.since : 0);
        } catch (error) {
          this.#cut(session, 'subscription not set up', error);
        }
        return;
      case 'commandAck': {
        const { deliveryId } = message;
        // Awaited: the connection's next message waits for this delete, so a client that floods
        // acks has one store call under way at a time, not thousands queued for the connections
        // (PostgreSQL's pool) every device's frames share.
        try {
          if (await this.#delivery.acknowledge(session, deliveryId)) this.#counters.commandsDelivered += 1;
        } catch (error) {
          // The command stays stored and is delivered again on the next connection.
          this.#log.error({ deviceId: session.deviceId, error: String(error) }, 'command ack not stored');
          this.#sendError(session, {
            frameId: 0,
            code: 'INTERNAL',
            message: `the gateway could not store the ack of command ${deliveryId}`,
          });
        }
        return;
      }
      default:
        this.#sendError(session, {
          frameId: 0,
          code: 'BAD_MESSAGE',
          message: `a client may not send ${message.type}`,
        });
    }
  }

  #sendError(session: Session, error: Omit<ErrorMessage, 'type'>): void {
    send(session, { type: 'error', ...error });
  }
}
