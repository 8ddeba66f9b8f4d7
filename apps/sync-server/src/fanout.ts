import { createHash, randomUUID } from 'node:crypto';
import { connect, type NatsConnection, type Subscription } from 'nats';
import { Counter, Gauge, type Registry } from 'prom-client';
import { SyncServerError } from './errors.js';

/**
 * What an instance tells the other instances after a commit. A notice is a hint, never the
 * authority: the receiver reads the store (the log after each subscriber's cursor, the target's
 * command box), so a lost notice only delays (the periodic and on-reconnect catch-up covers it)
 * and a repeated one changes nothing.
 */
export type FanoutNotice =
  /** The user's log reached `head` (inclusive) in a commit at `committedAt` (epoch ms). */
  | { readonly kind: 'head'; readonly userId: string; readonly head: number; readonly committedAt: number }
  /** A command for `deviceId` of the user was stored at `committedAt`. */
  | { readonly kind: 'command'; readonly userId: string; readonly deviceId: string; readonly committedAt: number };

/** What the gateway does with what arrives from the other instances. */
export interface FanoutHandlers {
  /** A notice of another instance (an instance never gets its own). */
  notice(notice: FanoutNotice): void;
  /** The link to the broker is back after it dropped: notices of the meantime may be lost. */
  resumed(): void;
}

/** Notices between gateway instances that share one store. */
export interface Fanout {
  /** Random per process; every notice carries it, so an instance can skip its own. */
  readonly instanceId: string;
  /** False for the single-instance default: nothing leaves the process, nothing can be lost. */
  readonly shared: boolean;
  /** Connects and starts handing notices of watched users to `handlers`. */
  start(handlers: FanoutHandlers): Promise<void>;
  /** Tells the other instances; never throws (an outage drops or defers the notice). */
  publish(notice: FanoutNotice): void;
  /**
   * Notices of this user are wanted (a subscriber of theirs is connected here); counted, so
   * every `watch` needs its `unwatch`. Resolves once the broker has the interest, so a catch-up
   * read after that cannot miss a later notice; it stays pending while the broker is away.
   */
  watch(userId: string): Promise<void>;
  unwatch(userId: string): void;
  /** Counters of `metrics()`. */
  stats(): FanoutStats;
  close(): Promise<void>;
}

export interface FanoutStats {
  /** Notices handed to the broker. */
  readonly published: number;
  /** Notices of other instances received for watched users. */
  readonly received: number;
  /** Received messages that were no notice of this protocol (dropped). */
  readonly malformed: number;
  /** Notices held back while the broker was away, published when it came back (latest per user). */
  readonly deferred: number;
  /** Times the link to the broker came back after dropping. */
  readonly reconnects: number;
  /** Whether the broker is reachable now (always true for the local fan-out). */
  readonly connected: boolean;
}

/** The single-instance default: everything is delivered in-process, so there is nothing to tell. */
export function createLocalFanout(): Fanout {
  return {
    instanceId: randomUUID(),
    shared: false,
    async start() {},
    publish() {},
    async watch() {},
    unwatch() {},
    stats: () => ({ published: 0, received: 0, malformed: 0, deferred: 0, reconnects: 0, connected: true }),
    async close() {},
  };
}

export interface NatsFanoutOptions {
  /** `nats://host:port`, or several (a cluster). */
  readonly servers: string | readonly string[];
  /**
   * First tokens of every subject, default `media-sync.gateway`: instances that share a store
   * share it; another prefix is another population (a test run of its own).
   */
  readonly subjectPrefix?: string;
  /** How long `start` waits for the first connection. Default 5 000 ms. */
  readonly connectTimeoutMs?: number;
  /**
   * Latest notice per user (and per target device) held back while the broker is away; beyond it
   * the oldest are dropped and the receivers' periodic catch-up finds their changes. Default 100 000.
   */
  readonly maxDeferred?: number;
  /** Ping period of the link; a link that misses two pongs is dropped and re-made. Default 10 000 ms. */
  readonly pingIntervalMs?: number;
  /** The instance id carried by every notice; default a random UUID. */
  readonly instanceId?: string;
}

const DEFAULT_SUBJECT_PREFIX = 'media-sync.gateway';
/** How long closing waits for notices in flight to reach the broker. */
const DRAIN_TIMEOUT_MS = 2_000;
const SUBJECT_TOKEN = /^[A-Za-z0-9_-]+$/;

/**
 * The broker URLs for a message: a user, password or token in them (`nats://user:pass@host`)
 * is masked, since the message reaches logs and terminals.
 */
function withoutCredentials(servers: string | readonly string[]): string {
  const list = typeof servers === 'string' ? servers.split(',') : servers;
  return list
    .map((server) =>
      server.trim().replace(/^([a-z][a-z0-9+.-]*:\/\/)?[^/@]*@/i, (_userinfo, scheme = '') => `${scheme}***@`),
    )
    .join(',');
}

/**
 * Longest escaped user id used as a subject token as it is; a longer one is replaced by its
 * hash. The NATS server closes a connection whose SUB or PUB line is longer than its
 * `max_control_line` (4 KiB by default), and nats.js re-subscribes everything on reconnect: one
 * user with a long id (a byte outside ASCII escapes to three characters) would otherwise cut
 * every instance serving that user off the broker, over and over.
 */
export const MAX_PLAIN_SUBJECT_TOKEN = 200;

/**
 * A user id as one subject token: every byte outside `[A-Za-z0-9_-]` becomes `%XX`, so `.`,
 * `*`, `>` and spaces never reach a subject and two user ids never share one (`u.x` → `u%2Ex`,
 * `%2E` → `%252E`). Past `MAX_PLAIN_SUBJECT_TOKEN` characters the token is `%%` and the SHA-256
 * of the id in hex: an escaped id never holds `%%`, and a notice names its user, so the
 * receiver drops one of another user in the (astronomically unlikely) case of a collision.
 */
export function subjectToken(userId: string): string {
  const bytes = new TextEncoder().encode(userId);
  let out = '';
  for (const byte of bytes) {
    const char = String.fromCharCode(byte);
    out += byte < 0x80 && SUBJECT_TOKEN.test(char) ? char : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
    if (out.length > MAX_PLAIN_SUBJECT_TOKEN) return `%%${createHash('sha256').update(bytes).digest('hex')}`;
  }
  return out;
}

/**
 * Notices over core NATS (at most once, no stream: they are hints, the store is the authority).
 * Subjects: `<prefix>.<user token>.head` and `<prefix>.<user token>.command`; an instance
 * subscribes to `<prefix>.<user token>.*` of each user it serves, so it receives nothing of
 * users connected elsewhere. The payload is JSON `{ v, instance, userId, head | deviceId, committedAt }`.
 */
export function createNatsFanout(options: NatsFanoutOptions): Fanout {
  const prefix = options.subjectPrefix ?? DEFAULT_SUBJECT_PREFIX;
  if (!prefix.split('.').every((token) => SUBJECT_TOKEN.test(token))) {
    throw new SyncServerError(
      'INVALID_OPTIONS',
      `fan-out subject prefix ${JSON.stringify(prefix)} must be dot-separated tokens of [A-Za-z0-9_-]`,
    );
  }
  const maxDeferred = options.maxDeferred ?? 100_000;
  const instanceId = options.instanceId ?? randomUUID();
  const encoder = new TextEncoder();
  const decoder = new TextDecoder();
  const watched = new Map<string, { count: number; subscription: Subscription }>();
  /** Latest notice per user head / per target device, while the link is down. */
  const deferred = new Map<string, FanoutNotice>();
  let connection: NatsConnection | undefined;
  let handlers: FanoutHandlers | undefined;
  let online = false;
  let closed = false;
  const stats = { published: 0, received: 0, malformed: 0, deferred: 0, reconnects: 0 };

  const subjectOf = (notice: FanoutNotice) => `${prefix}.${subjectToken(notice.userId)}.${notice.kind}`;

  function onMessage(userId: string, data: Uint8Array): void {
    const notice = parseNotice(data, userId, decoder);
    if (notice === undefined) {
      stats.malformed += 1;
      return;
    }
    if (notice.instance === instanceId) return;
    stats.received += 1;
    handlers?.notice(notice.notice);
  }

  function send(nc: NatsConnection, notice: FanoutNotice): void {
    const body =
      notice.kind === 'head'
        ? { v: 1, instance: instanceId, userId: notice.userId, head: notice.head, committedAt: notice.committedAt }
        : {
            v: 1,
            instance: instanceId,
            userId: notice.userId,
            deviceId: notice.deviceId,
            committedAt: notice.committedAt,
          };
    nc.publish(subjectOf(notice), encoder.encode(JSON.stringify(body)));
    stats.published += 1;
  }

  function defer(notice: FanoutNotice): void {
    const key = notice.kind === 'head' ? `h\u0000${notice.userId}` : `c\u0000${notice.userId}\u0000${notice.deviceId}`;
    deferred.delete(key);
    deferred.set(key, notice);
    stats.deferred += 1;
    if (deferred.size > maxDeferred) {
      const oldest = deferred.keys().next().value;
      if (oldest !== undefined) deferred.delete(oldest);
    }
  }

  async function watchStatus(nc: NatsConnection): Promise<void> {
    for await (const status of nc.status()) {
      if (status.type === 'disconnect') online = false;
      if (status.type === 'reconnect') {
        online = true;
        stats.reconnects += 1;
        const held = [...deferred.values()];
        deferred.clear();
        try {
          for (const notice of held) send(nc, notice);
        } catch {
          for (const notice of held) defer(notice);
        }
        handlers?.resumed();
      }
    }
  }

  return {
    instanceId,
    shared: true,
    async start(given) {
      handlers = given;
      try {
        connection = await connect({
          servers: typeof options.servers === 'string' ? options.servers : [...options.servers],
          name: `media-sync gateway ${instanceId}`,
          timeout: options.connectTimeoutMs ?? 5_000,
          reconnect: true,
          maxReconnectAttempts: -1,
          reconnectTimeWait: 250,
          reconnectJitter: 100,
          pingInterval: options.pingIntervalMs ?? 10_000,
          maxPingOut: 2,
        });
      } catch (error) {
        throw new SyncServerError(
          'FANOUT_UNAVAILABLE',
          `cannot reach the fan-out broker at ${withoutCredentials(options.servers)}: ${(error as Error).message}`,
          { cause: error },
        );
      }
      online = true;
      void watchStatus(connection);
    },
    publish(notice) {
      const nc = connection;
      if (closed || nc === undefined) return;
      // While reconnecting nats.js would buffer without bound in time; held here, the latest
      // notice per user replaces older ones and the whole set is bounded.
      if (!online) {
        defer(notice);
        return;
      }
      try {
        send(nc, notice);
      } catch {
        defer(notice);
      }
    },
    async watch(userId) {
      const nc = connection;
      if (closed || nc === undefined) return;
      const entry = watched.get(userId);
      if (entry !== undefined) {
        entry.count += 1;
        return;
      }
      const subscription = nc.subscribe(`${prefix}.${subjectToken(userId)}.*`, {
        callback: (error, message) => {
          if (error === null) onMessage(userId, message.data);
        },
      });
      watched.set(userId, { count: 1, subscription });
      // The flush's PONG follows the SUB: once it is back, the broker routes this user's notices here.
      await nc.flush().catch(() => undefined);
    },
    unwatch(userId) {
      const entry = watched.get(userId);
      if (entry === undefined) return;
      entry.count -= 1;
      if (entry.count > 0) return;
      watched.delete(userId);
      if (!closed) entry.subscription.unsubscribe();
    },
    stats: () => ({ ...stats, connected: online && !closed }),
    async close() {
      if (closed) return;
      closed = true;
      online = false;
      const nc = connection;
      connection = undefined;
      watched.clear();
      deferred.clear();
      if (nc === undefined) return;
      // Notices already handed over are flushed before the link closes (drain), unless the
      // broker is away: then they are hints nobody can get, and shutdown does not wait for it.
      let timer: ReturnType<typeof setTimeout> | undefined;
      const gaveUp = new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), DRAIN_TIMEOUT_MS);
      });
      const drained = nc.drain().then(
        () => 'drained' as const,
        () => 'failed' as const,
      );
      if ((await Promise.race([drained, gaveUp])) !== 'drained') await nc.close().catch(() => undefined);
      clearTimeout(timer);
    },
  };
}

/** A notice from the wire, if it is one and names the user of its subject. */
function parseNotice(
  data: Uint8Array,
  subjectUser: string,
  decoder: TextDecoder,
): { instance: string; notice: FanoutNotice } | undefined {
  let body: unknown;
  try {
    body = JSON.parse(decoder.decode(data));
  } catch {
    return undefined;
  }
  if (typeof body !== 'object' || body === null) return undefined;
  const { v, instance, userId, head, deviceId, committedAt } = body as Record<string, unknown>;
  if (v !== 1 || typeof instance !== 'string' || userId !== subjectUser) return undefined;
  if (typeof committedAt !== 'number' || !Number.isFinite(committedAt)) return undefined;
  if (typeof head === 'number' && Number.isSafeInteger(head) && head >= 0 && deviceId === undefined) {
    return { instance, notice: { kind: 'head', userId, head, committedAt } };
  }
  if (typeof deviceId === 'string' && head === undefined) {
    return { instance, notice: { kind: 'command', userId, deviceId, committedAt } };
  }
  return undefined;
}

/** `media_sync_fanout_notices_total{event}` and `media_sync_fanout_connected`, read at each scrape. */
export function registerFanoutMetrics(registry: Registry, fanout: Fanout): void {
  new Counter({
    name: 'media_sync_fanout_notices_total',
    help: 'Notices between instances: published, received (for users connected here), malformed (dropped), deferred (held while the broker was away)',
    labelNames: ['event'],
    registers: [registry],
    collect() {
      const stats = fanout.stats();
      this.reset();
      for (const event of ['published', 'received', 'malformed', 'deferred'] as const)
        this.inc({ event }, stats[event]);
    },
  });
  new Counter({
    name: 'media_sync_fanout_reconnects_total',
    help: 'Times the link to the fan-out broker came back after it dropped (each followed by a catch-up of every subscriber)',
    registers: [registry],
    collect() {
      this.reset();
      this.inc(fanout.stats().reconnects);
    },
  });
  new Gauge({
    name: 'media_sync_fanout_connected',
    help: 'Whether the fan-out broker is reachable now (1 for a single instance)',
    registers: [registry],
    collect() {
      this.set(fanout.stats().connected ? 1 : 0);
    },
  });
}
