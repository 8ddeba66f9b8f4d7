import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import {
  type Codec,
  CodecError,
  createCodec,
  type DecodeLimits,
  readFrameHeader,
  type SessionDecoder,
} from '@media-sync/codec';
import { commandExpiresAt, DEFAULT_MAX_DRIFT_MS, type SequencedOperation } from '@media-sync/protocol';
import {
  type AckBody,
  decodeMessage,
  type ErrorBody,
  encodeJsonMessage,
  encodeMessage,
  type HelloBody,
  MessageKind,
  type RejectCode,
  SUBPROTOCOL,
  TOKEN_SUBPROTOCOL_PREFIX,
  UNAUTHORIZED_CLOSE_CODE,
} from '@media-sync/publisher-websocket';
import type { ProgressEntry, WatchlistEntry } from '@media-sync/state';
import { type WebSocket, WebSocketServer } from 'ws';
import { SyncServerError } from './errors.js';
import { GatewayStore, type StoredRejection } from './store.js';
import { type TokenClaims, verifyToken } from './token.js';
import { UserCache } from './user-cache.js';
import { LOG_PAGE, UserState } from './user-state.js';

export interface SyncServerLogger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

export interface SyncServerOptions {
  /** TCP port; 0 (the default) picks a free one. */
  readonly port?: number;
  /** Interface to listen on. Default 127.0.0.1 (loopback only). */
  readonly host?: string;
  /** HMAC secret that signs device tokens. */
  readonly secret: string;
  /** SQLite file of the durable state. Default `:memory:` (not durable; says so in the log). */
  readonly dbPath?: string;
  /** Decode limits for untrusted frames (codec defaults: 1 MiB frame, 16 MiB body, 100 000 ops). */
  readonly limits?: Partial<DecodeLimits>;
  readonly logger?: SyncServerLogger;
  /** Write a replica snapshot after this many logged ops, so restarts replay a short log. Default 5 000. */
  readonly snapshotEvery?: number;
  /**
   * An op whose HLC is more than this ahead of the gateway's clock is rejected (`CLOCK_DRIFT`):
   * a device with a fast clock would otherwise win every last-writer-wins register. Default 60 000.
   */
  readonly maxDriftMs?: number;
  /** Clock for token and command expiry and drift (tests). Default `Date.now`. */
  readonly now?: () => number;
  /** Ping every connection this often; one that has not answered the previous ping is cut. Default 30 000. */
  readonly heartbeatMs?: number;
  /** A codec to share (it holds the zstd module); one is created otherwise. */
  readonly codec?: Codec;
  /**
   * Keep at most this many users' merged state in memory, dropping the least recently used user
   * without a live connection; a dropped user is reloaded from the database on next use. Default 1 000.
   */
  readonly maxCachedUsers?: number;
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
}

export interface SyncServer {
  /** `ws://host:port` to give to clients. */
  readonly url: string;
  readonly port: number;
  /** The merged progress and watchlist of a user, as every converged replica holds them. */
  stateOf(userId: string): { progress: ProgressEntry[]; watchlist: WatchlistEntry[] };
  /** The user's log cursor: how many state ops the gateway has accepted for them. */
  headOf(userId: string): number;
  metrics(): GatewayMetrics;
  /** Stops accepting, lets in-flight frames finish, closes every connection and the database. */
  close(): Promise<void>;
}

/** Starts the gateway; resolves once it listens. */
export async function startSyncServer(options: SyncServerOptions): Promise<SyncServer> {
  if (typeof options.secret !== 'string' || options.secret.length === 0) {
    throw new SyncServerError('INVALID_OPTIONS', 'secret must be a non-empty string');
  }
  const codec = options.codec ?? (await createCodec(options.limits ? { limits: options.limits } : {}));
  const gateway = new Gateway(options, codec);
  await gateway.listen(options.port ?? 0, options.host ?? '127.0.0.1');
  return gateway;
}

/** Same as `startSyncServer`. */
export const createSyncServer = startSyncServer;

interface Session {
  readonly ws: WebSocket;
  readonly userId: string;
  readonly deviceId: string;
  readonly subscribed: boolean;
  readonly decoder: SessionDecoder;
  /**
   * Set once the catch-up has sent the whole log: until then live fan-out (and SYNCED) skips the
   * session, because its cursor would jump past log entries the catch-up has not sent yet. The
   * catch-up reads the log until it is empty, so it also sends what was accepted meanwhile.
   */
  live: boolean;
  /** Cleared by each heartbeat ping, set by the pong: a socket that stays unset is dead. */
  alive: boolean;
}

const DEFAULT_MAX_FRAME_BYTES = 1024 * 1024;
/**
 * zstd level of the frames the gateway re-encodes for fan-out and catch-up: they are made on
 * the hot path for every accepted frame, and level 3 costs a fifth of the codec's default 19
 * for a few percent more bytes.
 */
const FANOUT_LEVEL = 3;
const DEFAULT_SNAPSHOT_EVERY = 5000;
const DEFAULT_HEARTBEAT_MS = 30_000;
const DEFAULT_MAX_CACHED_USERS = 1000;
const SILENT: SyncServerLogger = { info() {}, warn() {}, error() {} };

class Gateway implements SyncServer {
  url = '';
  port = 0;
  readonly #options: SyncServerOptions;
  readonly #codec: Codec;
  readonly #store: GatewayStore;
  readonly #log: SyncServerLogger;
  readonly #now: () => number;
  readonly #http: Server;
  readonly #wss: WebSocketServer;
  readonly #users: UserCache;
  readonly #sessions = new Set<Session>();
  /** Upgraded only to be closed with UNAUTHORIZED_CLOSE_CODE; never sessions. */
  readonly #refused = new Set<WebSocket>();
  readonly #maxFrameBytes: number;
  readonly #limits: Partial<DecodeLimits>;
  readonly #heartbeat: ReturnType<typeof setInterval>;
  #closing: Promise<void> | undefined;
  #metrics = {
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
  };

  constructor(options: SyncServerOptions, codec: Codec) {
    this.#options = options;
    this.#codec = codec;
    this.#log = options.logger ?? SILENT;
    this.#now = options.now ?? Date.now;
    this.#limits = options.limits ?? {};
    this.#maxFrameBytes = this.#limits.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES;
    const maxCachedUsers = options.maxCachedUsers ?? DEFAULT_MAX_CACHED_USERS;
    if (!Number.isSafeInteger(maxCachedUsers) || maxCachedUsers < 1) {
      throw new SyncServerError('INVALID_OPTIONS', `maxCachedUsers must be a positive integer, got ${maxCachedUsers}`);
    }
    const dbPath = options.dbPath ?? ':memory:';
    if (dbPath === ':memory:') this.#log.warn('gateway state is in memory: it will not survive a restart');
    this.#store = new GatewayStore(dbPath);
    // An evicted user is loaded exactly as after a restart: last snapshot plus the log after it.
    this.#users = new UserCache(maxCachedUsers, (userId) => UserState.load(this.#store, userId));
    this.#http = createServer((req, res) => this.#onRequest(req, res));
    this.#wss = new WebSocketServer({
      noServer: true,
      // Messages a little over the frame limit still get a FRAME error reply from the codec;
      // far beyond it `ws` closes the connection (1009) before buffering them.
      maxPayload: this.#maxFrameBytes * 2 + 64,
      handleProtocols: (protocols) => (protocols.has(SUBPROTOCOL) ? SUBPROTOCOL : false),
    });
    this.#http.on('upgrade', (req, socket, head) => this.#onUpgrade(req, socket, head));
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
      }
    }, options.heartbeatMs ?? DEFAULT_HEARTBEAT_MS);
    this.#heartbeat.unref();
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
        this.#log.info('gateway listening', { url: this.url });
        resolve();
      });
    });
  }

  stateOf(userId: string): { progress: ProgressEntry[]; watchlist: WatchlistEntry[] } {
    const replica = this.#users.get(userId).replica;
    return { progress: replica.progress(), watchlist: replica.watchlist({ includeTombstones: true }) };
  }

  headOf(userId: string): number {
    return this.#users.get(userId).head;
  }

  metrics(): GatewayMetrics {
    return { connections: this.#sessions.size, ...this.#metrics, cachedUsers: this.#users.size };
  }

  close(): Promise<void> {
    this.#closing ??= this.#shutdown();
    return this.#closing;
  }

  async #shutdown(): Promise<void> {
    clearInterval(this.#heartbeat);
    // Frames are handled synchronously from receipt to ack, so none is ever half done: stop
    // accepting, close every socket (a frame that arrives during the close handshake is still
    // handled, with the database open), and only once all are closed close the database.
    const httpClosed = new Promise<void>((resolve) => this.#http.close(() => resolve()));
    const socketsClosed = [...this.#sessions].map(
      (session) =>
        new Promise<void>((resolve) => {
          if (session.ws.readyState === session.ws.CLOSED) resolve();
          else session.ws.once('close', () => resolve());
        }),
    );
    for (const session of this.#sessions) session.ws.close(1001, 'gateway shutting down');
    // A peer that never answers the close handshake is cut after two seconds.
    const deadline = setTimeout(() => {
      for (const session of this.#sessions) session.ws.terminate();
    }, 2000);
    deadline.unref();
    this.#http.closeAllConnections();
    // Refused sockets hold nothing worth a close handshake, and the server waits for them.
    for (const ws of this.#refused) ws.terminate();
    await Promise.all([httpClosed, ...socketsClosed]);
    await new Promise<void>((resolve) => this.#wss.close(() => resolve()));
    clearTimeout(deadline);
    // A fresh snapshot makes the next start replay no log.
    for (const user of this.#users.states()) {
      try {
        this.#store.putSnapshot(user.userId, user.head, JSON.stringify(user.replica));
      } catch (error) {
        this.#log.warn('could not write the shutdown snapshot', { userId: user.userId, error: String(error) });
      }
    }
    this.#store.close();
    this.#log.info('gateway closed');
  }

  #onRequest(req: IncomingMessage, res: ServerResponse): void {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method === 'GET' && path === '/healthz') {
      const healthy = this.#closing === undefined;
      res.writeHead(healthy ? 200 : 503, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ status: healthy ? 'ok' : 'closing', connections: this.#sessions.size }));
      return;
    }
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: 'not found' }));
  }

  #onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    if (this.#closing) {
      refuse(socket, 503, 'Service Unavailable');
      return;
    }
    const url = new URL(req.url ?? '/', 'http://gateway');
    const presented = tokenOf(req, url);
    let claims: TokenClaims;
    try {
      claims = verifyToken(presented?.token ?? '', this.#options.secret, this.#now());
    } catch (error) {
      const code = error instanceof SyncServerError ? error.code : 'TOKEN_MALFORMED';
      this.#log.warn('connection refused', { code, remote: req.socket.remoteAddress });
      if (presented?.inSubprotocol) this.#refuseAfterUpgrade(req, socket, head, code);
      else refuse(socket, 401, 'Unauthorized', code);
      return;
    }
    const subscribed = url.searchParams.get('subscribe') === '1';
    const since = Number(url.searchParams.get('since') ?? 0);
    this.#wss.handleUpgrade(req, socket, head, (ws) => {
      this.#onConnection(ws, claims, subscribed, Number.isSafeInteger(since) && since > 0 ? since : 0);
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
      ws.close(UNAUTHORIZED_CLOSE_CODE, `UNAUTHORIZED: ${code.toLowerCase().replace(/_/g, ' ')}`);
    });
  }

  #onConnection(ws: WebSocket, claims: TokenClaims, subscribed: boolean, since: number): void {
    const session: Session = {
      ws,
      userId: claims.userId,
      deviceId: claims.deviceId,
      subscribed,
      decoder: this.#codec.createSessionDecoder(),
      live: false,
      alive: true,
    };
    ws.on('pong', () => {
      session.alive = true;
    });
    this.#sessions.add(session);
    this.#users.connected(session.userId);
    ws.on('close', () => {
      this.#sessions.delete(session);
      this.#users.disconnected(session.userId);
    });
    ws.on('error', (error) => this.#log.warn('connection error', { deviceId: session.deviceId, error: String(error) }));
    ws.on('message', (data, isBinary) => this.#onMessage(session, toBytes(data), isBinary));
    // This runs inside an event handler: a database failure thrown from here would crash the
    // process. The device cannot be served without its registration, so it is cut instead and
    // reconnects later.
    try {
      this.#store.registerDevice(claims.userId, claims.deviceId);
      const hello: HelloBody = {
        protocol: 1,
        userId: claims.userId,
        deviceId: claims.deviceId,
        maxFrameBytes: this.#maxFrameBytes,
      };
      ws.send(encodeJsonMessage(MessageKind.HELLO, 0, hello));
      if (subscribed) {
        void this.#catchUp(session, since);
        this.#deliverPending(session);
      }
    } catch (error) {
      this.#cut(session, 'connection not set up', error);
    }
  }

  /** Closes a connection the gateway cannot serve after a database failure; it reconnects later. */
  #cut(session: Session, message: string, error: unknown): void {
    this.#log.error(message, { deviceId: session.deviceId, error: String(error) });
    session.ws.close(1011, 'gateway internal error');
  }

  #onMessage(session: Session, data: Uint8Array, isBinary: boolean): void {
    const message = isBinary ? decodeMessage(data) : undefined;
    if (message === undefined) {
      this.#sendError(session, 0, {
        code: 'BAD_MESSAGE',
        message: 'expected a binary gateway message (kind, id, payload)',
      });
      return;
    }
    switch (message.kind) {
      case MessageKind.FRAME:
        this.#onFrame(session, message.id, message.payload);
        return;
      case MessageKind.COMMAND_ACK:
        try {
          if (this.#store.deleteCommand(message.id, session.userId, session.deviceId))
            this.#metrics.commandsDelivered += 1;
        } catch (error) {
          // Thrown out of the message handler it would crash the process; the command stays
          // stored and is delivered again on the next connection.
          this.#log.error('command ack not stored', { deviceId: session.deviceId, error: String(error) });
          // ERROR ids name frames; a command ack has none, hence 0.
          this.#sendError(session, 0, {
            code: 'INTERNAL',
            message: `the gateway could not store the ack of command ${message.id}`,
          });
        }
        return;
      default:
        this.#sendError(session, message.id, {
          code: 'BAD_MESSAGE',
          message: `a client may not send kind ${message.kind}`,
        });
    }
  }

  #onFrame(session: Session, frameId: number, bytes: Uint8Array): void {
    const started = performance.now();
    this.#metrics.bytesReceived += bytes.length;
    try {
      const ack = this.#ingest(session, bytes);
      session.ws.send(encodeJsonMessage(MessageKind.ACK, frameId, ack));
    } catch (error) {
      this.#metrics.framesFailed += 1;
      if (error instanceof CodecError) {
        if (error.code !== 'CONTEXT_MISMATCH') {
          this.#log.warn('bad frame', { deviceId: session.deviceId, code: error.code, offset: error.offset });
        }
        this.#sendError(session, frameId, { code: error.code, message: error.message, offset: error.offset });
      } else {
        // A database failure: the in-memory replica may be ahead of disk, so rebuild it.
        this.#users.drop(session.userId);
        this.#log.error('frame not stored', { deviceId: session.deviceId, error: String(error) });
        this.#sendError(session, frameId, { code: 'INTERNAL', message: 'the gateway could not store the frame' });
      }
    } finally {
      this.#metrics.ingestMs += performance.now() - started;
    }
  }

  /** Decode, authorise, dedupe, merge and commit one frame; returns the ack. Throws CodecError on bad bytes. */
  #ingest(session: Session, bytes: Uint8Array): AckBody {
    const header = readFrameHeader(bytes, this.#limits);
    const { userId, deviceId } = session;
    if (header.deviceId !== deviceId) {
      const { ops } = session.decoder.decode(bytes, { limits: this.#limits });
      this.#metrics.opsRejected += ops.length;
      return {
        firstSeq: header.firstSeq,
        lastSeq: header.lastSeq,
        duplicate: false,
        rejected: ops.map((entry) =>
          rejection(
            entry.seq,
            'FORBIDDEN_DEVICE',
            `frame of device ${header.deviceId} on a connection of device ${deviceId}`,
          ),
        ),
      };
    }
    const highSeq = this.#store.highSeq(userId, deviceId);
    // A re-sent frame is acknowledged from its header alone: its seqs are contiguous, at or
    // below the device's high-water mark and all settled (an indexed range count), and it repeats
    // the rejections it got the first time. A frame with seq gaps (requeued dead letters 3 and 6
    // around settled 4 and 5) can reach its op count with seqs it does not carry, so it is
    // decoded and checked seq by seq, as are seqs below the mark that were never settled.
    const rangeSize = header.lastSeq - header.firstSeq + 1;
    if (
      header.lastSeq <= highSeq &&
      rangeSize === header.opCount &&
      this.#store.countSettled(userId, deviceId, header.firstSeq, header.lastSeq) >= rangeSize
    ) {
      this.#metrics.framesDuplicate += 1;
      this.#metrics.opsDuplicate += header.opCount;
      return {
        firstSeq: header.firstSeq,
        lastSeq: header.lastSeq,
        duplicate: true,
        rejected: this.#store.rejections(userId, deviceId, header.firstSeq, header.lastSeq),
      };
    }
    const { ops } = session.decoder.decode(bytes, { limits: this.#limits });
    const now = this.#now();
    const rejected: StoredRejection[] = [];
    const stateOps: SequencedOperation[] = [];
    const commands: { entry: SequencedOperation; targetDeviceId: string; expiresAt: number }[] = [];
    const settledSeqs: number[] = [];
    const duplicateSeqs = new Set<number>();
    for (const entry of ops) {
      if (entry.seq <= highSeq && this.#store.isSettled(userId, deviceId, entry.seq)) {
        duplicateSeqs.add(entry.seq);
        continue;
      }
      settledSeqs.push(entry.seq);
      const verdict = this.#authorize(session, entry) ?? this.#checkClock(entry, now);
      if (verdict) {
        rejected.push(verdict);
        continue;
      }
      if (entry.op.type === 'deviceCommand') {
        const expiresAt = commandExpiresAt(entry.op);
        if (expiresAt < now) this.#metrics.commandsExpired += 1;
        else commands.push({ entry, targetDeviceId: entry.op.targetDeviceId, expiresAt });
      } else {
        stateOps.push(entry);
      }
    }
    const user = this.#users.get(userId);
    const fresh = user.apply(stateOps);
    user.sinceSnapshot += fresh.length;
    const snapshotEvery = this.#options.snapshotEvery ?? DEFAULT_SNAPSHOT_EVERY;
    const takeSnapshot = user.sinceSnapshot >= snapshotEvery;
    const result = this.#store.writeFrame(
      {
        userId,
        deviceId,
        highSeq: ops.reduce((high, entry) => Math.max(high, entry.seq), header.lastSeq),
        stateOps: fresh,
        commands,
        rejected,
        settledSeqs,
        ...(takeSnapshot ? { snapshot: () => JSON.stringify(user.replica) } : {}),
      },
      user.head,
    );
    user.head = result.headLogSeq;
    if (takeSnapshot) user.sinceSnapshot = 0;
    this.#metrics.framesAccepted += 1;
    this.#metrics.opsApplied += fresh.length + commands.length;
    this.#metrics.opsDuplicate += duplicateSeqs.size + (stateOps.length - fresh.length);
    this.#metrics.opsRejected += rejected.length;
    this.#metrics.commandsStored += commands.length;
    if (fresh.length > 0) this.#fanOut(session, deviceId, fresh, result.headLogSeq);
    commands.forEach((command, i) => {
      const id = result.commandIds[i];
      if (id !== undefined) this.#sendCommand(userId, command.targetDeviceId, id, command.entry);
    });
    // An op settled earlier is acknowledged again with the rejection it got then; otherwise the
    // client would count a refused op as delivered.
    const repeated =
      duplicateSeqs.size === 0
        ? []
        : this.#store
            .rejections(userId, deviceId, header.firstSeq, header.lastSeq)
            .filter((stored) => duplicateSeqs.has(stored.seq));
    return {
      firstSeq: header.firstSeq,
      lastSeq: header.lastSeq,
      duplicate: false,
      rejected: repeated.length === 0 ? rejected : [...repeated, ...rejected].sort((a, b) => a.seq - b.seq),
    };
  }

  #checkClock(entry: SequencedOperation, now: number): StoredRejection | undefined {
    const maxDriftMs = this.#options.maxDriftMs ?? DEFAULT_MAX_DRIFT_MS;
    if (entry.hlc.physicalMs <= now + maxDriftMs) return undefined;
    return rejection(
      entry.seq,
      'CLOCK_DRIFT',
      `hlc ${entry.hlc.physicalMs} is ${entry.hlc.physicalMs - now} ms ahead of the gateway clock (max ${maxDriftMs})`,
    );
  }

  /** Undefined when the device may publish this op; the rejection otherwise. */
  #authorize(session: Session, entry: SequencedOperation): StoredRejection | undefined {
    const { op } = entry;
    if (entry.deviceId !== session.deviceId) {
      return rejection(entry.seq, 'FORBIDDEN_DEVICE', `op of device ${entry.deviceId}, token of ${session.deviceId}`);
    }
    if (op.type !== 'deviceCommand') {
      return op.userId === session.userId
        ? undefined
        : rejection(entry.seq, 'FORBIDDEN_USER', `op of user ${op.userId}, token of ${session.userId}`);
    }
    if (op.sourceDeviceId !== session.deviceId) {
      return rejection(
        entry.seq,
        'FORBIDDEN_DEVICE',
        `command from ${op.sourceDeviceId}, token of ${session.deviceId}`,
      );
    }
    // Device ids are names within a user; a target known only under other users is theirs.
    const owners = this.#store.deviceOwners(op.targetDeviceId);
    if (owners.length > 0 && !owners.includes(session.userId)) {
      return rejection(entry.seq, 'FORBIDDEN_TARGET', `device ${op.targetDeviceId} belongs to another user`);
    }
    return undefined;
  }

  #fanOut(from: Session, deviceId: string, ops: SequencedOperation[], head: number): void {
    const subscribers = [...this.#sessions].filter(
      (session) => session.subscribed && session.live && session.userId === from.userId,
    );
    // The sending device has these ops already: it only learns that its cursor moved past them.
    for (const session of subscribers) {
      if (session.deviceId === deviceId) session.ws.send(encodeMessage(MessageKind.SYNCED, head));
    }
    const targets = subscribers.filter((session) => session.deviceId !== deviceId);
    if (targets.length === 0) return;
    const message = encodeMessage(
      MessageKind.FANOUT,
      head,
      this.#codec.encodeFrame(deviceId, ops, { level: FANOUT_LEVEL }).bytes,
    );
    for (const session of targets) {
      session.ws.send(message);
      this.#metrics.fanoutFrames += 1;
    }
  }

  /**
   * Sends a subscriber every logged op after its cursor, one frame per run of one device's ops,
   * a page of the log at a time: before reading the next page it waits until the socket has
   * written the previous one, so a slow or stalled device holds at most one page in the
   * gateway's memory instead of its whole log. Stops when the socket closes.
   */
  async #catchUp(session: Session, since: number): Promise<void> {
    const { ws } = session;
    try {
      let cursor = since;
      for (;;) {
        const page = this.#store.logAfter(session.userId, cursor, LOG_PAGE);
        if (page.length === 0) break;
        const messages: Uint8Array[] = [];
        let start = 0;
        for (let i = 1; i <= page.length; i++) {
          if (i < page.length && page[i]?.entry.deviceId === page[start]?.entry.deviceId) continue;
          const run = page.slice(start, i);
          const last = run[run.length - 1];
          if (last === undefined) break;
          const frame = this.#codec.encodeFrame(
            last.entry.deviceId,
            run.map((row) => row.entry),
            { level: FANOUT_LEVEL },
          );
          messages.push(encodeMessage(MessageKind.FANOUT, last.logSeq, frame.bytes));
          start = i;
        }
        const lastMessage = messages.pop();
        for (const message of messages) ws.send(message);
        this.#metrics.fanoutFrames += messages.length + 1;
        cursor = page[page.length - 1]?.logSeq ?? cursor;
        // Messages are written in order, so once the last is written the whole page is.
        if (lastMessage === undefined || !(await sendAndWait(ws, lastMessage))) return;
      }
      // No await between the empty read above and going live: an op accepted from here on is
      // fanned out to this session live.
      session.live = true;
      ws.send(encodeMessage(MessageKind.SYNCED, cursor));
    } catch (error) {
      // Thrown out of here it would be an unhandled rejection that ends the process.
      if (ws.readyState === ws.OPEN) this.#cut(session, 'catch-up failed', error);
    }
  }

  #deliverPending(session: Session): void {
    for (const command of this.#store.pendingCommands(session.userId, session.deviceId, this.#now())) {
      session.ws.send(this.#commandMessage(command.id, command.entry));
    }
  }

  #sendCommand(userId: string, targetDeviceId: string, id: number, entry: SequencedOperation): void {
    for (const session of this.#sessions) {
      if (session.subscribed && session.userId === userId && session.deviceId === targetDeviceId) {
        session.ws.send(this.#commandMessage(id, entry));
      }
    }
  }

  #commandMessage(id: number, entry: SequencedOperation): Uint8Array {
    return encodeMessage(
      MessageKind.COMMAND,
      id,
      this.#codec.encodeFrame(entry.deviceId, [entry], { level: FANOUT_LEVEL }).bytes,
    );
  }

  #sendError(session: Session, id: number, body: ErrorBody): void {
    session.ws.send(encodeJsonMessage(MessageKind.ERROR, id, body));
  }
}

/**
 * Sends a message; resolves true once the socket has written it, false if the socket closed
 * first (ws calls back with an error then, or the close event comes first).
 */
function sendAndWait(ws: WebSocket, data: Uint8Array): Promise<boolean> {
  return new Promise((resolve) => {
    if (ws.readyState !== ws.OPEN) {
      resolve(false);
      return;
    }
    const onClose = () => resolve(false);
    ws.once('close', onClose);
    ws.send(data, (error) => {
      ws.off('close', onClose);
      resolve(error === undefined || error === null);
    });
  });
}

function rejection(seq: number, code: RejectCode, reason: string): StoredRejection {
  return { seq, code, reason };
}

/** The token from `Sec-WebSocket-Protocol: media-sync.v1, token.<t>`, `Authorization: Bearer <t>` or `?token=<t>`. */
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

function refuse(socket: Duplex, status: number, reason: string, code?: string): void {
  const body = JSON.stringify({ error: reason, ...(code ? { code } : {}) });
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}

function toBytes(data: Buffer | ArrayBuffer | Buffer[]): Uint8Array {
  if (Array.isArray(data)) return Buffer.concat(data);
  return data instanceof ArrayBuffer ? new Uint8Array(data) : data;
}
