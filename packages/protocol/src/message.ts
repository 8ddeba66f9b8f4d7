import { ValidationError } from './errors.js';
import { media_sync } from './gen/media_sync.js';
import { validateHlc } from './hlc.js';
import { int64ToNumber } from './long.js';
import type { PlaybackState, SequencedOperation, SyncOperation } from './operations.js';
import { checkId, validateOperation } from './validation.js';

const pb = media_sync.v1;

export const OPERATION_TYPE_CODES = {
  watchlistAdd: pb.OperationType.OPERATION_TYPE_WATCHLIST_ADD,
  watchlistRemove: pb.OperationType.OPERATION_TYPE_WATCHLIST_REMOVE,
  progressUpdate: pb.OperationType.OPERATION_TYPE_PROGRESS_UPDATE,
  deviceCommand: pb.OperationType.OPERATION_TYPE_DEVICE_COMMAND,
} as const satisfies Record<SyncOperation['type'], number>;

export const PLAYBACK_STATE_CODES = {
  playing: pb.PlaybackState.PLAYBACK_STATE_PLAYING,
  paused: pb.PlaybackState.PLAYBACK_STATE_PAUSED,
  stopped: pb.PlaybackState.PLAYBACK_STATE_STOPPED,
  completed: pb.PlaybackState.PLAYBACK_STATE_COMPLETED,
} as const satisfies Record<PlaybackState, number>;

const STATE_BY_CODE = new Map<number, PlaybackState>(
  Object.entries(PLAYBACK_STATE_CODES).map(([state, code]) => [code, state as PlaybackState]),
);

/** The user an operation belongs to; device commands carry none, so the sender supplies it. */
function userOf(op: SyncOperation, userId: string | undefined): string {
  if (op.type === 'deviceCommand') {
    if (userId === undefined) throw new TypeError('a deviceCommand needs the userId of its devices');
    return checkId(userId, 'userId');
  }
  return op.userId;
}

/** The plain protobuf envelope of one sequenced operation. */
export function toSyncMessage(entry: SequencedOperation, userId?: string): media_sync.v1.SyncMessage {
  const op = entry.op;
  const message = pb.SyncMessage.create({
    messageId: `${entry.deviceId}:${entry.seq}`,
    deviceId: entry.deviceId,
    userId: userOf(op, userId),
    hlc: pb.Hlc.create({ physicalMs: entry.hlc.physicalMs, logical: entry.hlc.logical, nodeId: entry.hlc.nodeId }),
    operationType: OPERATION_TYPE_CODES[op.type],
    seq: entry.seq,
  });
  switch (op.type) {
    case 'watchlistAdd':
      message.watchlistAdd = pb.WatchlistAdd.create({
        userId: op.userId,
        contentId: op.contentId,
        timestamp: op.timestamp,
      });
      break;
    case 'watchlistRemove':
      message.watchlistRemove = pb.WatchlistRemove.create({
        userId: op.userId,
        contentId: op.contentId,
        timestamp: op.timestamp,
      });
      break;
    case 'progressUpdate': {
      const progress = pb.ProgressUpdate.create({
        userId: op.userId,
        contentId: op.contentId,
        positionMs: op.positionMs,
        state: PLAYBACK_STATE_CODES[op.state],
        timestamp: op.timestamp,
      });
      if (op.durationMs !== undefined) progress.durationMs = op.durationMs;
      message.progressUpdate = progress;
      break;
    }
    case 'deviceCommand': {
      const command = pb.DeviceCommand.create({
        commandId: op.commandId,
        sourceDeviceId: op.sourceDeviceId,
        targetDeviceId: op.targetDeviceId,
        commandType: op.commandType,
        payloadJson: JSON.stringify(op.payload),
        timestamp: op.timestamp,
      });
      if (op.expiresAt !== undefined) command.expiresAt = op.expiresAt;
      message.deviceCommand = command;
      break;
    }
  }
  return message;
}

export interface DecodedSyncMessage {
  readonly entry: SequencedOperation;
  readonly userId: string;
}

/** Reads a plain envelope back, validating every field (§2, §3). */
export function fromSyncMessage(message: media_sync.v1.SyncMessage): DecodedSyncMessage {
  const deviceId = checkId(message.deviceId, 'deviceId');
  const userId = checkId(message.userId, 'userId');
  const seq = int64ToNumber(message.seq, 'seq');
  if (!Number.isSafeInteger(seq) || seq < 1)
    throw new ValidationError('OUT_OF_RANGE', 'seq', seq, 'expected an integer ≥ 1');
  if (!message.hlc) throw new ValidationError('MISSING_FIELD', 'hlc', undefined, 'is required');
  const hlc = validateHlc({
    physicalMs: int64ToNumber(message.hlc.physicalMs, 'hlc.physicalMs'),
    logical: message.hlc.logical,
    nodeId: message.hlc.nodeId,
  });
  const op = operationOf(message);
  if (OPERATION_TYPE_CODES[op.type] !== message.operationType) {
    throw new ValidationError(
      'INVALID_VALUE',
      'operationType',
      message.operationType,
      `does not match payload ${op.type}`,
    );
  }
  if (op.type !== 'deviceCommand' && op.userId !== userId) {
    throw new ValidationError('INVALID_VALUE', 'userId', userId, `differs from the operation's userId ${op.userId}`);
  }
  return { entry: { deviceId, seq, hlc, op }, userId };
}

function operationOf(message: media_sync.v1.SyncMessage): SyncOperation {
  switch (message.payload) {
    case 'watchlistAdd':
    case 'watchlistRemove': {
      const w = message[message.payload];
      if (!w) break;
      return validateOperation({
        type: message.payload,
        userId: w.userId,
        contentId: w.contentId,
        timestamp: int64ToNumber(w.timestamp, 'timestamp'),
      });
    }
    case 'progressUpdate': {
      const p = message.progressUpdate;
      if (!p) break;
      const state = STATE_BY_CODE.get(p.state ?? 0);
      if (state === undefined) throw new ValidationError('INVALID_VALUE', 'state', p.state, 'unknown playback state');
      return validateOperation({
        type: 'progressUpdate',
        userId: p.userId,
        contentId: p.contentId,
        positionMs: int64ToNumber(p.positionMs, 'positionMs'),
        durationMs: p.durationMs == null ? undefined : int64ToNumber(p.durationMs, 'durationMs'),
        state,
        timestamp: int64ToNumber(p.timestamp, 'timestamp'),
      });
    }
    case 'deviceCommand': {
      const c = message.deviceCommand;
      if (!c) break;
      let payload: unknown = null;
      if (c.payloadJson) {
        try {
          payload = JSON.parse(c.payloadJson);
        } catch (error) {
          throw new ValidationError('INVALID_JSON', 'payload', c.payloadJson, 'is not valid JSON', { cause: error });
        }
      }
      return validateOperation({
        type: 'deviceCommand',
        commandId: c.commandId,
        sourceDeviceId: c.sourceDeviceId,
        targetDeviceId: c.targetDeviceId,
        commandType: c.commandType,
        payload,
        timestamp: int64ToNumber(c.timestamp, 'timestamp'),
        expiresAt: c.expiresAt == null ? undefined : int64ToNumber(c.expiresAt, 'expiresAt'),
      });
    }
  }
  throw new ValidationError('MISSING_FIELD', 'payload', message.payload, 'a SyncMessage must carry an operation');
}

/** Encodes one sequenced operation as a plain `SyncMessage` (the per-op protobuf baseline). */
export function encodeSyncMessage(entry: SequencedOperation, userId?: string): Uint8Array {
  return pb.SyncMessage.encode(toSyncMessage(entry, userId)).finish();
}

/** Decodes and validates a plain `SyncMessage`. Malformed bytes are a `ValidationError`. */
export function decodeSyncMessage(bytes: Uint8Array): DecodedSyncMessage {
  let message: media_sync.v1.SyncMessage;
  try {
    message = pb.SyncMessage.decode(bytes);
  } catch (error) {
    throw new ValidationError(
      'INVALID_VALUE',
      'SyncMessage',
      `${bytes.length} bytes`,
      'is not a valid protobuf SyncMessage',
      { cause: error },
    );
  }
  return fromSyncMessage(message);
}
