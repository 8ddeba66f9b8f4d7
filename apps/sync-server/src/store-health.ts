import type { GatewayStore } from './store.js';

/** What `/healthz` says about the store. */
export interface StoreCheck {
  /** The store answered a read within the timeout. */
  readonly ok: boolean;
  /** `sqlite` or `postgres`. */
  readonly kind: string;
  /** How long the read took, or the timeout when it got no answer. */
  readonly latencyMs: number;
  /** Why the read failed (the driver's message: no secrets, the URL's password is never in it). */
  readonly error?: string;
  /** `performance.now()` when the check ended. */
  readonly at: number;
}

/** A user id no token can carry: reading its head touches one index entry and finds nothing. */
const PROBE_USER = '';

/**
 * The store's state for `/healthz`, cheap and bounded whatever the store does: one read of a
 * head at a time however many probes ask, its answer kept for `cacheMs`, and given up as failed
 * after `timeoutMs` (a server that stops answering would otherwise hold each probe for as long
 * as the driver's own timeouts).
 */
export class StoreHealth {
  readonly #store: GatewayStore;
  readonly #cacheMs: number;
  readonly #timeoutMs: number;
  #last: StoreCheck | undefined;
  #running: Promise<StoreCheck> | undefined;

  constructor(store: GatewayStore, options: { cacheMs: number; timeoutMs: number }) {
    this.#store = store;
    this.#cacheMs = options.cacheMs;
    this.#timeoutMs = options.timeoutMs;
  }

  /** The last check if it is recent enough, else the one under way or a new one. */
  check(): Promise<StoreCheck> {
    const last = this.#last;
    if (last !== undefined && performance.now() - last.at < this.#cacheMs) return Promise.resolve(last);
    this.#running ??= this.#probe().finally(() => {
      this.#running = undefined;
    });
    return this.#running;
  }

  async #probe(): Promise<StoreCheck> {
    const started = performance.now();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`the store did not answer within ${this.#timeoutMs} ms`)),
        this.#timeoutMs,
      );
    });
    let error: string | undefined;
    try {
      // The read that lost the race settles later into nothing: race() has handled it.
      await Promise.race([this.#store.head(PROBE_USER), timeout]);
    } catch (failure) {
      // Node's refused connect to several addresses is an AggregateError with an empty message.
      const { message, code } = (failure ?? {}) as { message?: unknown; code?: unknown };
      error = (typeof message === 'string' && message) || (typeof code === 'string' && code) || String(failure);
    } finally {
      clearTimeout(timer);
    }
    const at = performance.now();
    const check: StoreCheck = {
      ok: error === undefined,
      kind: this.#store.kind,
      latencyMs: Math.round((at - started) * 10) / 10,
      ...(error === undefined ? {} : { error }),
      at,
    };
    this.#last = check;
    return check;
  }
}
