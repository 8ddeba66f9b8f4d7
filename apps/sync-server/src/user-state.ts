import type { SequencedOperation } from '@media-sync/protocol';
import { createReplica, UserStateReplica } from '@media-sync/state';
import type { GatewayStore } from './store.js';

/** How many log entries to read at a time when rebuilding a replica or catching a device up. */
export const LOG_PAGE = 1000;

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
    const replica = snapshot
      ? UserStateReplica.fromJSON(JSON.parse(snapshot.state), { userId })
      : createReplica({ userId });
    let cursor = snapshot?.logSeq ?? 0;
    let replayed = 0;
    for (;;) {
      const page = store.logAfter(userId, cursor, LOG_PAGE);
      if (page.length === 0) break;
      replica.applyAll(page.map((row) => row.entry));
      cursor = page[page.length - 1]?.logSeq ?? cursor;
      replayed += page.length;
    }
    return new UserState(userId, replica, cursor, replayed);
  }

  /** Applies accepted ops; returns those the replica had not seen (the ones to log and fan out). */
  apply(ops: readonly SequencedOperation[]): SequencedOperation[] {
    const results = this.replica.applyAll(ops);
    return ops.filter((_, i) => results[i]?.status !== 'duplicate');
  }
}
