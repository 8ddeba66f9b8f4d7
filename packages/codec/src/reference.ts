import type { SequencedOperation, SyncOperation } from '@media-sync/protocol';
import { crc32c } from './crc32c.js';
import { varUintSize } from './varint.js';

const OPERATION_NAMES = {
  watchlistAdd: 'WatchlistAdd',
  watchlistRemove: 'WatchlistRemove',
  progressUpdate: 'ProgressUpdate',
  deviceCommand: 'DeviceCommand',
} as const;

const textEncoder = new TextEncoder();

/** A UUID-shaped message id derived from (deviceId, seq), so the baseline is deterministic. */
function messageIdOf(deviceId: string, seq: number): string {
  const bytes = textEncoder.encode(`${deviceId}:${seq}`);
  const words = [0x1234567, 0x89abcde, 0x2468ace, 0x13579bd].map((seed) => crc32c(bytes, 0, bytes.length, seed));
  const hex = words.map((w) => w.toString(16).padStart(8, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** The snake_case payload of the reference envelope: the op's fields minus user_id and timestamp. */
function payloadOf(op: SyncOperation): Record<string, unknown> {
  switch (op.type) {
    case 'watchlistAdd':
    case 'watchlistRemove':
      return { content_id: op.contentId };
    case 'progressUpdate':
      return op.durationMs === undefined
        ? { content_id: op.contentId, position_ms: op.positionMs, state: op.state }
        : { content_id: op.contentId, position_ms: op.positionMs, duration_ms: op.durationMs, state: op.state };
    case 'deviceCommand':
      return op.expiresAt === undefined
        ? {
            command_id: op.commandId,
            source_device_id: op.sourceDeviceId,
            target_device_id: op.targetDeviceId,
            command_type: op.commandType,
            payload: op.payload,
          }
        : {
            command_id: op.commandId,
            source_device_id: op.sourceDeviceId,
            target_device_id: op.targetDeviceId,
            command_type: op.commandType,
            payload: op.payload,
            expires_at: op.expiresAt,
          };
  }
}

/**
 * The reference crate's JSON envelope of one op (the `bytesJson` baseline of §5): one
 * `SyncMessage` per op as the old Rust crate serialized it with serde_json —
 * `{"message_id","device_id","user_id","timestamp" (ISO-8601),"hlc":{"physical_ms","logical",
 * "node_id"},"operation_type" (PascalCase),"payload" (the op's snake_case fields; user_id and
 * timestamp live in the envelope),"seq"}`, compact, no whitespace. `userId` names the user of
 * a device command (commands carry none); it defaults to "".
 */
export function referenceJsonEnvelope(entry: SequencedOperation, userId?: string): string {
  const op = entry.op;
  return JSON.stringify({
    message_id: messageIdOf(entry.deviceId, entry.seq),
    device_id: entry.deviceId,
    user_id: op.type === 'deviceCommand' ? (userId ?? '') : op.userId,
    timestamp: new Date(op.timestamp).toISOString(),
    hlc: { physical_ms: entry.hlc.physicalMs, logical: entry.hlc.logical, node_id: entry.hlc.nodeId },
    operation_type: OPERATION_NAMES[op.type],
    payload: payloadOf(op),
    seq: entry.seq,
  });
}

/**
 * Byte sizes of the two per-op baselines, computed without materializing them (the encoder
 * reports them for every frame). Tests pin them to `referenceJsonEnvelope` and
 * `encodeSyncMessage` byte for byte.
 */
export class BaselineSizer {
  private readonly jsonString = new Map<string, number>();
  private readonly utf8 = new Map<string, number>();

  /** UTF-8 length of JSON.stringify(s). */
  private json(s: string): number {
    let n = this.jsonString.get(s);
    if (n === undefined) {
      n = textEncoder.encode(JSON.stringify(s)).length;
      if (this.jsonString.size < 10_000) this.jsonString.set(s, n);
    }
    return n;
  }

  private bytes(s: string): number {
    let n = this.utf8.get(s);
    if (n === undefined) {
      n = textEncoder.encode(s).length;
      if (this.utf8.size < 10_000) this.utf8.set(s, n);
    }
    return n;
  }

  jsonEnvelopeSize(entry: SequencedOperation, userId?: string): number {
    const op = entry.op;
    // {"message_id":"<36>","device_id":,"user_id":,"timestamp":"<iso>","hlc":{"physical_ms":,"logical":,"node_id":},"operation_type":"<name>","payload":{…},"seq":}
    let n = FIXED_JSON;
    n += this.json(entry.deviceId) + this.json(op.type === 'deviceCommand' ? (userId ?? '') : op.userId);
    n += op.timestamp < 253402300800000 ? 26 : 29;
    n += digits(entry.hlc.physicalMs) + digits(entry.hlc.logical) + this.json(entry.hlc.nodeId);
    n += OPERATION_NAMES[op.type].length + 2;
    n += digits(entry.seq);
    switch (op.type) {
      case 'watchlistAdd':
      case 'watchlistRemove':
        return n + 2 + 13 + this.json(op.contentId);
      case 'progressUpdate':
        n += 2 + 13 + this.json(op.contentId) + 15 + digits(op.positionMs) + 9 + op.state.length + 2;
        return op.durationMs === undefined ? n : n + 15 + digits(op.durationMs);
      case 'deviceCommand':
        n += 2 + 13 + this.json(op.commandId) + 20 + this.json(op.sourceDeviceId) + 20 + this.json(op.targetDeviceId);
        n += 16 + this.json(op.commandType) + 11 + textEncoder.encode(JSON.stringify(op.payload)).length;
        return op.expiresAt === undefined ? n : n + 14 + digits(op.expiresAt);
    }
  }

  /** Size of `encodeSyncMessage(entry, userId)` (proto3: default values are not written). */
  protobufSize(entry: SequencedOperation, userId?: string): number {
    const op = entry.op;
    const deviceBytes = this.bytes(entry.deviceId);
    // message_id is "<device_id>:<seq>".
    let n = field(deviceBytes + 1 + digits(entry.seq)) + field(deviceBytes);
    const user = op.type === 'deviceCommand' ? (userId ?? '') : op.userId;
    if (user !== '') n += field(this.bytes(user));
    const hlc = entry.hlc;
    const hlcSize =
      (hlc.physicalMs !== 0 ? 1 + varUintSize(hlc.physicalMs) : 0) +
      (hlc.logical !== 0 ? 1 + varUintSize(hlc.logical) : 0) +
      (hlc.nodeId !== '' ? field(this.bytes(hlc.nodeId)) : 0);
    n += field(hlcSize) + 2 + (entry.seq !== 0 ? 1 + varUintSize(entry.seq) : 0);
    const ts = op.timestamp !== 0 ? 1 + varUintSize(op.timestamp) : 0;
    let inner: number;
    switch (op.type) {
      case 'watchlistAdd':
      case 'watchlistRemove':
        inner = field(this.bytes(op.userId)) + field(this.bytes(op.contentId)) + ts;
        break;
      case 'progressUpdate':
        inner = field(this.bytes(op.userId)) + field(this.bytes(op.contentId)) + 2 + ts;
        if (op.positionMs !== 0) inner += 1 + varUintSize(op.positionMs);
        if (op.durationMs !== undefined) inner += 1 + varUintSize(op.durationMs);
        break;
      case 'deviceCommand': {
        inner =
          field(this.bytes(op.commandId)) +
          field(this.bytes(op.sourceDeviceId)) +
          field(this.bytes(op.targetDeviceId)) +
          field(this.bytes(op.commandType)) +
          field(textEncoder.encode(JSON.stringify(op.payload)).length) +
          ts;
        if (op.expiresAt !== undefined) inner += 1 + varUintSize(op.expiresAt);
        break;
      }
    }
    return n + field(inner);
  }
}

/** {"message_id":"<36 chars>","device_id":,"user_id":,"timestamp":,"hlc":{"physical_ms":,"logical":,"node_id":},"operation_type":,"payload":,"seq":} */
const FIXED_JSON =
  '{"message_id":"123456789012345678901234567890123456","device_id":,"user_id":,"timestamp":,"hlc":{"physical_ms":,"logical":,"node_id":},"operation_type":,"payload":,"seq":}'
    .length;

/** Length of String(n) for a non-negative safe integer, without allocating. */
function digits(n: number): number {
  if (n < 10) return 1;
  if (n < 100) return 2;
  if (n < 1000) return 3;
  if (n < 10000) return 4;
  let d = 4;
  let p = 10000;
  while (n >= p && d < 16) {
    p *= 10;
    d++;
  }
  return d;
}

/** A length-delimited field with a one-byte tag. */
function field(length: number): number {
  return 1 + varUintSize(length) + length;
}
