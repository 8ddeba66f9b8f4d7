import type { SequencedOperation } from '@media-sync/protocol';
import { createReplica, UserStateReplica } from '@media-sync/state';
import { DEFAULT_LOG_PAGE } from './limits.js';
import type { FrameWriteResult, GatewayStore } from './store.js';

/**
 * A user's merged state held in memory: the replica of `@media-sync/state` rebuilt from the
 * last snapshot plus the log after it, and the log head it reflects. The store stays the source
 * of truth: ops are merged here only once committed, and when a commit shows that the log moved
 * past `head` without this gateway (another gateway wrote the user), the difference is read from
 * the store first, so the replica never merges against a stale state.
 */
export class UserState {
  readonly userId: string;
  readonly replica: UserStateReplica;
  /** The log position the replica reflects: every logged op up to it is merged, none after. */
  head: number;
  /** State ops merged since the last snapshot. */
  sinceSnapshot: number;

  private constructor(userId: string, replica: UserStateReplica, head: number, sinceSnapshot: number) {
    this.userId = userId;
    this.replica = replica;
    this.head = head;
    this.sinceSnapshot = sinceSnapshot;
  }

  static async load(store: GatewayStore, userId: string): Promise<UserState> {
    const snapshot = await store.snapshot(userId);
    // The store's settled ranges are the only dedupe authority: the replica only merges.
    const options = { userId, trackSeqs: false };
    const replica = snapshot ? UserStateReplica.fromJSON(JSON.parse(snapshot.state), options) : createReplica(options);
    const state = new UserState(userId, replica, snapshot?.logSeq ?? 0, 0);
    await state.catchUp(store, Number.POSITIVE_INFINITY);
    return state;
  }

  /**
   * Takes in a committed frame of this user. If the replica is at the head the frame's
   * transaction found, its ops are merged directly; otherwise another writer logged ops in
   * between, and the log is read from the store up to the frame's head (its ops included).
   * Returns a promise only then (a direct merge is done on return: no turn of the microtask queue).
   *
   * `loggedAreValid`: the frame's logged ops are known to pass §2 validation (the codec decoded
   * them within §2's limits), so they are merged without being validated again. Ops read from
   * the store (another writer's, or a frame's after a gap) are always validated.
   */
  committed(
    store: GatewayStore,
    result: FrameWriteResult,
    { loggedAreValid }: { readonly loggedAreValid: boolean },
  ): Promise<void> | undefined {
    if (this.head === result.previousHead) {
      this.#merge(result.logged, result.headLogSeq, loggedAreValid);
      return undefined;
    }
    return this.catchUp(store, result.headLogSeq);
  }

  /** Merges the log after `head` from the store, up to `until` (or its end). */
  async catchUp(store: GatewayStore, until: number): Promise<void> {
    while (this.head < until) {
      const page = await store.logAfter(this.userId, this.head, Math.min(DEFAULT_LOG_PAGE, until - this.head));
      const last = page[page.length - 1];
      if (last === undefined) break;
      // A commit may have been merged while the page was read: only what lies past the head now.
      const fresh = page.filter((row) => row.logSeq > this.head);
      if (fresh.length > 0) {
        this.#merge(
          fresh.map((row) => row.entry),
          last.logSeq,
          false,
        );
      }
    }
  }

  #merge(ops: readonly SequencedOperation[], head: number, valid: boolean): void {
    if (valid) this.replica.applyAllValidated(ops);
    else this.replica.applyAll(ops);
    this.head = head;
    this.sinceSnapshot += ops.length;
  }
}
