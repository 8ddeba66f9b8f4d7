export { describeValue, ValidationError, type ValidationErrorCode } from './errors.js';
export { media_sync } from './gen/media_sync.js';
export {
  compareHlc,
  compareUtf8,
  DEFAULT_MAX_DRIFT_MS,
  formatHlc,
  type Hlc,
  HybridLogicalClock,
  type HybridLogicalClockOptions,
  MAX_LOGICAL,
  MAX_PHYSICAL_MS,
  packHlc,
  parseHlc,
  unpackHlc,
  validateHlc,
} from './hlc.js';
export { int64ToNumber } from './long.js';
export {
  type DecodedSyncMessage,
  decodeSyncMessage,
  encodeSyncMessage,
  fromSyncMessage,
  OPERATION_TYPE_CODES,
  PLAYBACK_STATE_CODES,
  toSyncMessage,
} from './message.js';
export {
  commandExpiresAt,
  DEFAULT_COMMAND_TTL_MS,
  type DeviceCommandOperation,
  type JsonValue,
  OPERATION_TYPES,
  type OperationType,
  PLAYBACK_STATES,
  type PlaybackState,
  type ProgressUpdateOperation,
  type SequencedOperation,
  type SyncOperation,
  type TraceEntry,
  type WatchlistAddOperation,
  type WatchlistRemoveOperation,
} from './operations.js';
export { isWellFormedUtf16, utf8Length } from './utf8.js';
export {
  checkId,
  checkMillis,
  checkTimestamp,
  MAX_PAYLOAD_BYTES,
  MAX_STRING_BYTES,
  parseOperation,
  parseTrace,
  parseTraceLine,
  toCanonicalJson,
  validateOperation,
} from './validation.js';
