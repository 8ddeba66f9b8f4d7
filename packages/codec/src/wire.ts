/**
 * Field numbers of media_sync.v1.Frame and media_sync.v1.Batch and the codes of the enums the
 * body uses: the one place the codec names them. `test/wire.test.ts` parses proto/ and fails
 * when a number here and the schema drift apart.
 */
export const FrameField = {
  formatVersion: 1,
  flags: 2,
  dictionaryId: 3,
  deviceId: 5,
  opCount: 6,
  firstSeq: 7,
  lastSeq: 8,
  bodyLength: 9,
  checksum: 10,
  skipped: 11,
  userBoundChecksum: 12,
  body: 15,
} as const;

export const BatchField = {
  strings: 1,
  uuids: 2,
  types: 3,
  seqGaps: 4,
  baseTimestamp: 5,
  timestampDeltas: 6,
  hlcPhysicalOffsets: 7,
  hlcLogicals: 8,
  hlcNodeRefs: 9,
  userRefs: 10,
  contentRefs: 11,
  positionResiduals: 12,
  durations: 13,
  states: 14,
  commandIdRefs: 22,
  sourceDeviceRefs: 16,
  targetDeviceRefs: 17,
  commandTypeRefs: 18,
  payloads: 19,
  expiryOffsets: 20,
  timestampDeltaBias: 21,
  positionResidualBias: 15,
  positionPrediction: 23,
  timestampDeltaBits: 24,
  positionResidualBits: 25,
} as const;

/** media_sync.v1.OperationType, by the op's `type`. */
export const OperationTypeCode = {
  watchlistAdd: 1,
  watchlistRemove: 2,
  progressUpdate: 3,
  deviceCommand: 4,
} as const;

/** media_sync.v1.PlaybackState, by the update's `state`. */
export const PlaybackStateCode = {
  playing: 1,
  paused: 2,
  stopped: 3,
  completed: 4,
} as const;

/** Protobuf wire types used by the format. */
export const WireType = { varint: 0, fixed64: 1, lengthDelimited: 2, fixed32: 5 } as const;
