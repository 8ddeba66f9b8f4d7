import {
  commandExpiresAt,
  type DeviceCommandOperation,
  type Hlc,
  type PlaybackState,
  type ProgressUpdateOperation,
  type WatchlistAddOperation,
  type WatchlistRemoveOperation,
} from '@media-sync/protocol';

/** The playback position a user last reached in one title: a last-writer-wins register. */
export interface ProgressEntry {
  readonly userId: string;
  readonly contentId: string;
  readonly positionMs: number;
  readonly durationMs?: number;
  readonly state: PlaybackState;
  /** The op's own epoch-millisecond timestamp. */
  readonly timestamp: number;
  /** The clock that ordered the write: the greatest HLC wins. */
  readonly hlc: Hlc;
  /** The device whose op wrote the winning value. */
  readonly deviceId: string;
}

/**
 * Watchlist membership of one title: a last-writer-wins register of a boolean. A removed title
 * keeps its entry (`member: false`) as a tombstone carrying the remove's HLC, so an older add
 * arriving late stays removed and a newer add wins.
 */
export interface WatchlistEntry {
  readonly userId: string;
  readonly contentId: string;
  readonly member: boolean;
  readonly timestamp: number;
  readonly hlc: Hlc;
  readonly deviceId: string;
}

/** A device command waiting in the inbox of `command.targetDeviceId`. */
export interface CommandEntry {
  readonly command: DeviceCommandOperation;
  readonly hlc: Hlc;
  /** The device whose queue sent the command. */
  readonly deviceId: string;
  /** Set once the command was handed to its target; merges keep it set. */
  readonly delivered: boolean;
}

/** What an applied op or a merge changed, as the entry now stands: the thing to fan out. */
export type StateChange =
  | { readonly kind: 'progress'; readonly entry: ProgressEntry }
  | { readonly kind: 'watchlist'; readonly entry: WatchlistEntry }
  | { readonly kind: 'command'; readonly entry: CommandEntry };

// Entries are shared between replicas by merge and handed to callers by listings: freezing them
// keeps one replica's caller from changing another replica's state.
export function freezeEntry<T extends object>(entry: T): T {
  for (const value of Object.values(entry)) {
    if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) freezeEntry(value);
  }
  return Object.freeze(entry);
}

// Entries are built with a fixed key order: `compareWrites` breaks exact HLC ties by JSON text.

export function progressEntry(op: ProgressUpdateOperation, hlc: Hlc, deviceId: string): ProgressEntry {
  const { userId, contentId, positionMs, durationMs, state, timestamp } = op;
  const clock = copyHlc(hlc);
  // Literals rather than spreads, and frozen field by known field rather than by `freezeEntry`'s
  // walk: this runs once per applied op.
  return Object.freeze(
    durationMs === undefined
      ? { userId, contentId, positionMs, state, timestamp, hlc: clock, deviceId }
      : { userId, contentId, positionMs, durationMs, state, timestamp, hlc: clock, deviceId },
  );
}

export function watchlistEntry(
  op: WatchlistAddOperation | WatchlistRemoveOperation,
  hlc: Hlc,
  deviceId: string,
): WatchlistEntry {
  return Object.freeze({
    userId: op.userId,
    contentId: op.contentId,
    member: op.type === 'watchlistAdd',
    timestamp: op.timestamp,
    hlc: copyHlc(hlc),
    deviceId,
  });
}

export function commandEntry(
  command: DeviceCommandOperation,
  hlc: Hlc,
  deviceId: string,
  delivered: boolean,
): CommandEntry {
  // The stored command always names its deadline, so every reader agrees on it.
  const withDeadline: DeviceCommandOperation = { ...command, expiresAt: commandExpiresAt(command) };
  return freezeEntry({ command: withDeadline, hlc: copyHlc(hlc), deviceId, delivered });
}

/** A frozen copy: the entries above hold nothing else that could be changed. */
function copyHlc(hlc: Hlc): Hlc {
  return Object.freeze({ physicalMs: hlc.physicalMs, logical: hlc.logical, nodeId: hlc.nodeId });
}
