import type { UserState } from './user-state.js';

/**
 * The in-memory user states, bounded: at most `maxUsers` are kept, and when there are more the
 * least recently used user without a live connection is dropped. A dropped user is loaded again
 * from the store on next use, exactly as after a restart; the store (log, snapshots, settled seqs)
 * stays the source of truth, so dropping one loses nothing. A connected user is never dropped, so
 * the cache can exceed the bound while more users than that are connected.
 */
export class UserCache {
  readonly #maxUsers: number;
  readonly #load: (userId: string) => Promise<UserState>;
  readonly #states = new Map<string, UserState>();
  /** Loads under way: a second `get` of the same user waits for the first load. */
  readonly #loading = new Map<string, Promise<UserState>>();
  /** Live connections per user; a user in here is never evicted. */
  readonly #connections = new Map<string, number>();
  /** Cached users with no live connection, least recently used first: the eviction candidates. */
  readonly #idle = new Set<string>();

  constructor(maxUsers: number, load: (userId: string) => Promise<UserState>) {
    this.#maxUsers = maxUsers;
    this.#load = load;
  }

  /** How many user states are held in memory. */
  get size(): number {
    return this.#states.size;
  }

  /** The user's state, loaded from the store when it is not cached. */
  async get(userId: string): Promise<UserState> {
    let state = this.#states.get(userId);
    if (state === undefined) {
      let loading = this.#loading.get(userId);
      if (loading === undefined) {
        loading = this.#load(userId).finally(() => this.#loading.delete(userId));
        this.#loading.set(userId, loading);
      }
      const loaded = await loading;
      // Another caller may have stored it meanwhile: one state per user.
      state = this.#states.get(userId) ?? loaded;
      this.#states.set(userId, state);
    }
    if (!this.#connections.has(userId)) {
      // Re-inserting moves the user to the most recently used end.
      this.#idle.delete(userId);
      this.#idle.add(userId);
    }
    this.#evict();
    return state;
  }

  /** The user's state if it is in memory, without loading it. */
  peek(userId: string): UserState | undefined {
    return this.#states.get(userId);
  }

  states(): IterableIterator<UserState> {
    return this.#states.values();
  }

  /** Forgets the user's state (its next use reloads it from the store). */
  drop(userId: string): void {
    this.#states.delete(userId);
    this.#idle.delete(userId);
  }

  connected(userId: string): void {
    this.#connections.set(userId, (this.#connections.get(userId) ?? 0) + 1);
    this.#idle.delete(userId);
  }

  disconnected(userId: string): void {
    const remaining = (this.#connections.get(userId) ?? 0) - 1;
    if (remaining > 0) {
      this.#connections.set(userId, remaining);
      return;
    }
    this.#connections.delete(userId);
    if (this.#states.has(userId)) this.#idle.add(userId);
    this.#evict();
  }

  #evict(): void {
    for (const userId of this.#idle) {
      if (this.#states.size <= this.#maxUsers) return;
      this.#idle.delete(userId);
      this.#states.delete(userId);
    }
  }
}
