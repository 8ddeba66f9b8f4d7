export {
  type CommandEntry,
  commandEntry,
  type ProgressEntry,
  progressEntry,
  type StateChange,
  type WatchlistEntry,
  watchlistEntry,
} from './entries.js';
export {
  type ApplyResult,
  type ApplyStatus,
  createReplica,
  type ReplicaOptions,
  UserStateReplica,
  type WatchlistQuery,
} from './replica.js';
export { compareWrites, isDeliverable, isExpired, lastWriterWins, mergeCommandEntries } from './rules.js';
export { DEFAULT_MAX_SEQS_ABOVE_MARK, type SeqMark, SeqTracker } from './seen.js';
export { parseSnapshot, type ReplicaSnapshot, SNAPSHOT_VERSION } from './snapshot.js';
export { validateSequencedOperation } from './validation.js';
