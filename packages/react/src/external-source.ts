/**
 * What `useSyncExternalStore` reads: a snapshot that keeps its identity until something
 * changed, and a subscription that says when. Every hook of this package is one of these plus
 * one line of React, so the same sources serve a non-React view (or a test) unchanged.
 */
export interface ExternalSource<T> {
  /** Calls `listener` after every change of the snapshot; returns the unsubscribe function. */
  subscribe(listener: () => void): () => void;
  /** The current value; the same object until the next change. */
  getSnapshot(): T;
}

/** A listener set that starts its upstream work with the first listener and stops it after the last. */
export class Listeners {
  readonly #listeners = new Set<() => void>();
  readonly #start: () => () => void;
  #stop: (() => void) | undefined;

  constructor(start: () => () => void) {
    this.#start = start;
  }

  subscribe(listener: () => void): () => void {
    this.#listeners.add(listener);
    if (this.#listeners.size === 1) this.#stop = this.#start();
    return () => {
      if (!this.#listeners.delete(listener)) return;
      if (this.#listeners.size === 0) {
        this.#stop?.();
        this.#stop = undefined;
      }
    };
  }

  get size(): number {
    return this.#listeners.size;
  }

  notify(): void {
    for (const listener of [...this.#listeners]) listener();
  }
}
