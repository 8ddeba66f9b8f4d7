import type { SequencedOperation } from '@media-sync/protocol';
import { createReplica, UserStateReplica } from '@media-sync/state';
import { DEFAULT_LOG_PAGE } from './limits.js';
import type { GatewayStore } from './store.js';

/**
 * A user's merged state held in memory: the replica of `@media-sync/state` rebuilt from the
 * last snapshot plus the log after it, and the log head. The store stays the source of truth;
 * if a write fails, the gateway drops this object and rebuilds it from disk.
 */
export class UserState {
  readonly userId: string;
  readonly replica: UserStateReplica;
  head: number;
  /** State ops logged since the last snapshot. */
  sinceSnapshot: number;

  private constructor(userId: string, replica: UserStateReplica, head: number, sinceSnapshot: number) {
    this.userId = userId;
    this.replica = replica;
    this.head = head;
    this.sinceSnapshot = sinceSnapshot;
  }

  static load(store: GatewayStore, userId: string): UserState {
    const snapshot = store.snapshot(userId);
    // The store's settled ranges are the only dedupe authority: the replica only merges.
    const options = { userId, trackSeqs: false };
    const replica = snapshot ? UserStateReplica.fromJSON(JSON.parse(snapshot.state), options) : createReplica(options);
    let cursor = snapshot?.logSeq ?? 0;
    let replayed = 0;
    for (;;) {
      const page = store.logAfter(userId, cursor, DEFAULT_LOG_PAGE);
      if (page.length === 0) break;
      replica.applyAll(page.map((row) => row.entry));
      cursor = page[page.length - 1]?.logSeq ?? cursor;
      replayed += page.length;
    }
    return new UserState(userId, replica, cursor, replayed);
  }

  /** Merges ops the store has not settled before (the caller checked); each is logged. */
  apply(ops: readonly SequencedOperation[]): void {
    this.replica.applyAll(ops);
  }
}
