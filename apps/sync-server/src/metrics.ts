import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { Counters } from './session.js';

/** Why a connection was refused: a token code (`TOKEN_EXPIRED`, ...) or a bound (`maxConnectionsPerUser`, ...). */
export type RefusalReason = string;

/** Where an op reached a subscriber from: this instance's own ingest, or another instance's notification. */
export type FanoutPath = 'local' | 'remote';

/**
 * Seconds buckets for the ACK and fan-out histograms: the targets are tens of milliseconds, a
 * group commit with `synchronous = FULL` costs a few.
 */
const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** Store calls are mostly index seeks (tens of microseconds) with a commit now and then. */
const STORE_BUCKETS = [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1];

/**
 * Frames whose ACK is still to come are remembered with their receipt time, per connection, at
 * most this many: every frame is answered (ACK or ERROR) within its commit, so more only happen
 * when a client sends faster than its ACKs return, and the oldest are then not timed.
 */
const MAX_TIMED_FRAMES_PER_CONNECTION = 64;

/** The live values the registry reads at each scrape (the counters the gateway keeps anyway). */
export interface MetricSources {
  readonly counters: Counters;
  readonly openConnections: () => number;
  readonly cachedUsers: () => number;
  readonly inboundHeldBytes: () => number;
  readonly outboundQueuedBytes: () => number;
  /** Connections whose codec decoder may hold a session context. */
  readonly sessionContexts: () => number;
}

/**
 * The gateway's Prometheus metrics, in a registry of its own (several gateways can run in one
 * process, each with its own `/metrics`). Counts the gateway keeps in `metrics()` and
 * `limitsHit()` are read at scrape time; the histograms are observed as things happen.
 *
 * `observeFanoutLag` is the seam for fan-out between instances: whatever carries a change from
 * the instance that committed it to the one that delivers it reports here how long that took.
 */
export class GatewayPrometheus {
  readonly registry = new Registry();
  readonly #ackLatency: Histogram<'result'>;
  readonly #storeLatency: Histogram<'operation' | 'outcome'>;
  readonly #fanoutLag: Histogram<'path'>;
  readonly #framesRejected: Counter<'code'>;
  readonly #refused: Counter<'reason'>;
  readonly #opened: Counter;
  readonly #closed: Counter;

  constructor(sources: MetricSources) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });
    const { counters } = sources;
    new Gauge({
      name: 'media_sync_connections_open',
      help: 'WebSocket connections (authenticated devices) open now',
      registers,
      collect() {
        this.set(sources.openConnections());
      },
    });
    this.#opened = new Counter({
      name: 'media_sync_connections_opened_total',
      help: 'WebSocket connections accepted (token verified, within the bounds)',
      registers,
    });
    this.#closed = new Counter({
      name: 'media_sync_connections_closed_total',
      help: 'WebSocket connections closed, by either side',
      registers,
    });
    this.#refused = new Counter({
      name: 'media_sync_connections_refused_total',
      help: 'Connections refused before or at the upgrade, by reason (token code or the bound hit)',
      labelNames: ['reason'],
      registers,
    });
    counterFrom(registers, 'media_sync_frames_accepted_total', 'Frames committed and acknowledged', () => [
      [{}, counters.framesAccepted],
    ]);
    counterFrom(
      registers,
      'media_sync_frames_duplicate_total',
      'Frames acknowledged without a write: re-sends, or frames of settled seqs only',
      () => [[{}, counters.framesDuplicate]],
    );
    this.#framesRejected = new Counter({
      name: 'media_sync_frames_rejected_total',
      help: 'Frames answered with an ERROR instead of an ACK, by error code (nothing of them stored)',
      labelNames: ['code'],
      registers,
    });
    counterFrom(registers, 'media_sync_ops_accepted_total', 'Ops logged or stored (state ops and commands)', () => [
      [{}, counters.opsApplied],
    ]);
    counterFrom(registers, 'media_sync_ops_duplicate_total', 'Ops received again after they were settled', () => [
      [{}, counters.opsDuplicate],
    ]);
    counterFrom(
      registers,
      'media_sync_ops_rejected_total',
      'Ops refused in an ACK, by reject code',
      () => Object.entries(counters.opsRejectedByCode).map(([code, value]) => [{ code }, value]),
      ['code'],
    );
    counterFrom(registers, 'media_sync_commits_total', 'Store transactions that committed frames', () => [
      [{}, counters.commits],
    ]);
    counterFrom(registers, 'media_sync_fanout_frames_total', 'Frames sent to subscribers (live and catch-up)', () => [
      [{}, counters.fanoutFrames],
    ]);
    counterFrom(
      registers,
      'media_sync_tokens_expired_total',
      'Open connections closed because their token expired',
      () => [[{}, counters.tokensExpired]],
    );
    counterFrom(
      registers,
      'media_sync_limit_hits_total',
      'Times a client ran into a bound of the gateway, by bound (the counters of /healthz)',
      () => Object.entries(counters.limits).map(([limit, value]) => [{ limit }, value]),
      ['limit'],
    );
    new Gauge({
      name: 'media_sync_inbound_held_bytes',
      help: 'Inbound bytes all connections hold now (unfinished and queued messages)',
      registers,
      collect() {
        this.set(sources.inboundHeldBytes());
      },
    });
    new Gauge({
      name: 'media_sync_outbound_queued_bytes',
      help: 'Outbound bytes counted as queued for all connections now (each past its socket high-water mark)',
      registers,
      collect() {
        this.set(sources.outboundQueuedBytes());
      },
    });
    new Gauge({
      name: 'media_sync_session_contexts',
      help: 'Connections whose codec decoder holds a session context (released after a heartbeat period without frames)',
      registers,
      collect() {
        this.set(sources.sessionContexts());
      },
    });
    counterFrom(
      registers,
      'media_sync_session_contexts_released_total',
      'Codec contexts of connections idle for a heartbeat period, given back',
      () => [[{}, counters.contextsReleased]],
    );
    new Gauge({
      name: 'media_sync_cached_users',
      help: 'Merged user states held in memory',
      registers,
      collect() {
        this.set(sources.cachedUsers());
      },
    });
    this.#ackLatency = new Histogram({
      name: 'media_sync_ack_latency_seconds',
      help: 'From a frame fully received to its reply (ACK after the commit, or ERROR)',
      labelNames: ['result'],
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.#storeLatency = new Histogram({
      name: 'media_sync_store_seconds',
      help: 'Time of each store call, by store method',
      labelNames: ['operation', 'outcome'],
      buckets: STORE_BUCKETS,
      registers,
    });
    this.#fanoutLag = new Histogram({
      name: 'media_sync_fanout_lag_seconds',
      help: 'From the commit of an op to its send to a subscriber, by path (local: this instance; remote: from another instance)',
      labelNames: ['path'],
      buckets: LATENCY_BUCKETS,
      registers,
    });
  }

  connectionOpened(): void {
    this.#opened.inc();
  }

  connectionClosed(): void {
    this.#closed.inc();
  }

  connectionRefused(reason: RefusalReason): void {
    this.#refused.inc({ reason });
  }

  frameRejected(code: string): void {
    this.#framesRejected.inc({ code });
  }

  ackLatency(seconds: number, result: 'ack' | 'error'): void {
    this.#ackLatency.observe({ result }, seconds);
  }

  /** How long a change took from its commit to a subscriber's socket. */
  observeFanoutLag(seconds: number, path: FanoutPath): void {
    this.#fanoutLag.observe({ path }, Math.max(0, seconds));
  }

  storeCall(operation: string, seconds: number, failed: boolean): void {
    this.#storeLatency.observe({ operation, outcome: failed ? 'error' : 'ok' }, seconds);
  }

  /** The text a Prometheus server scrapes. */
  text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}

type LabelValues = Record<string, string>;

/** A counter whose values are read from the gateway's own counts at each scrape. */
function counterFrom(
  registers: Registry[],
  name: string,
  help: string,
  read: () => [LabelValues, number][],
  labelNames: string[] = [],
): void {
  new Counter({
    name,
    help,
    labelNames,
    registers,
    collect() {
      this.reset();
      for (const [labels, value] of read()) this.inc(labels, value);
    },
  });
}

/**
 * Times every method call of `store` (synchronous or Promise-returning) into the store
 * histogram: the one seam all reads and writes of the gateway go through.
 */
export function instrumentStore<T extends object>(store: T, prometheus: GatewayPrometheus): T {
  const wrapped = new Map<PropertyKey, unknown>();
  return new Proxy(store, {
    get(target, property) {
      const value = Reflect.get(target, property, target);
      if (typeof value !== 'function' || typeof property !== 'string' || property === 'constructor') return value;
      let wrapper = wrapped.get(property);
      if (wrapper === undefined) {
        wrapper = (...args: unknown[]) => {
          const started = performance.now();
          const done = (failed: boolean) =>
            prometheus.storeCall(property, (performance.now() - started) / 1000, failed);
          let result: unknown;
          try {
            // Looked up at each call, not when first wrapped: the method may have been replaced since.
            const method = Reflect.get(target, property, target) as (...a: unknown[]) => unknown;
            result = method.apply(target, args);
          } catch (error) {
            done(true);
            throw error;
          }
          if (isPromiseLike(result)) {
            return Promise.resolve(result).then(
              (resolved) => {
                done(false);
                return resolved;
              },
              (error: unknown) => {
                done(true);
                throw error;
              },
            );
          }
          done(false);
          return result;
        };
        wrapped.set(property, wrapper);
      }
      return wrapper;
    },
  });
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function';
}

/**
 * Receipt times of a connection's frames awaiting their reply, so the reply can be timed
 * wherever it is sent from (at once, or after the group commit).
 */
export class FrameTimer {
  readonly #received = new Map<number, number>();

  received(frameId: number, at: number): void {
    this.#received.delete(frameId);
    this.#received.set(frameId, at);
    if (this.#received.size > MAX_TIMED_FRAMES_PER_CONNECTION) {
      this.#received.delete(this.#received.keys().next().value as number);
    }
  }

  /** Seconds since frame `frameId` was received, once; undefined when it was not timed. */
  answered(frameId: number, at: number): number | undefined {
    const received = this.#received.get(frameId);
    if (received === undefined) return undefined;
    this.#received.delete(frameId);
    return (at - received) / 1000;
  }
}
