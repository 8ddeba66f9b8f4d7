import { ValidationError } from './errors.js';
import { media_sync } from './gen/media_sync.js';

const pb = media_sync.v1;

/**
 * The gateway's protocol (proto/media_sync/v1/gateway.proto): both the gateway and its clients
 * import it from here, beside the rest of the wire schema, so neither side depends on the other.
 * Every binary WebSocket message is one protobuf `GatewayMessage`; codec frames ride in it as bytes.
 */

/** The WebSocket subprotocol; a token may ride next to it as `token.<token>`. */
export const GATEWAY_SUBPROTOCOL = 'media-sync.v2';
export const TOKEN_SUBPROTOCOL_PREFIX = 'token.';
/** The protocol version a HELLO announces. */
export const GATEWAY_PROTOCOL_VERSION = 2;

/**
 * Close code for a refused or expired token: at the upgrade (a browser cannot read the HTTP
 * status of a refused upgrade) and when an open connection's token expires. The reason reads
 * `UNAUTHORIZED: <why>`. Clients treat it as final for that token.
 */
export const UNAUTHORIZED_CLOSE_CODE = 4401;

/** Ops of one frame refused for good with one code: seqs `firstSeq..lastSeq` it carried. */
export interface RejectedRange {
  readonly firstSeq: number;
  readonly lastSeq: number;
  readonly code: string;
}

export interface HelloMessage {
  readonly type: 'hello';
  readonly protocol: number;
  readonly userId: string;
  readonly deviceId: string;
  readonly maxFrameBytes: number;
  /** Epoch milliseconds at which the gateway closes the connection (4401). */
  readonly tokenExpiresAt: number;
}

export interface FrameMessage {
  readonly type: 'frame';
  readonly frameId: number;
  readonly frame: Uint8Array;
}

export interface AckMessage {
  readonly type: 'ack';
  readonly frameId: number;
  readonly firstSeq: number;
  readonly lastSeq: number;
  readonly duplicate: boolean;
  /** Refused ops as ranges per code, at most the gateway's cap; an op in none of them is logged. */
  readonly rejected: readonly RejectedRange[];
  readonly rejectedCount: number;
  /** More ranges existed than the cap allowed; `rejected` holds the lowest. */
  readonly rejectedTruncated: boolean;
}

export interface ErrorMessage {
  readonly type: 'error';
  /** 0 when the refused message was not a frame. */
  readonly frameId: number;
  readonly code: string;
  readonly message: string;
  readonly offset?: number;
}

export interface SubscribeMessage {
  readonly type: 'subscribe';
  readonly since: number;
}

export interface FanoutMessage {
  readonly type: 'fanout';
  readonly cursor: number;
  readonly frame: Uint8Array;
}

export interface CommandMessage {
  readonly type: 'command';
  readonly deliveryId: number;
  readonly frame: Uint8Array;
}

export interface CommandAckMessage {
  readonly type: 'commandAck';
  readonly deliveryId: number;
}

export interface SyncedMessage {
  readonly type: 'synced';
  readonly cursor: number;
}

export type GatewayMessage =
  | HelloMessage
  | FrameMessage
  | AckMessage
  | ErrorMessage
  | SubscribeMessage
  | FanoutMessage
  | CommandMessage
  | CommandAckMessage
  | SyncedMessage;

export function encodeGatewayMessage(message: GatewayMessage): Uint8Array {
  return pb.GatewayMessage.encode(toProto(message)).finish();
}

/**
 * Decodes one gateway message. Bytes that are not a `GatewayMessage`, or one with no kind set,
 * are a `ValidationError` (`INVALID_VALUE`, field `GatewayMessage`). Frame bytes are views
 * into `bytes`, not copies.
 */
export function decodeGatewayMessage(bytes: Uint8Array): GatewayMessage {
  let decoded: media_sync.v1.GatewayMessage;
  try {
    decoded = pb.GatewayMessage.decode(bytes);
  } catch (error) {
    throw invalid(bytes, 'is not a protobuf GatewayMessage', error);
  }
  const message = fromProto(decoded);
  if (message === undefined) throw invalid(bytes, 'sets none of the message kinds this gateway knows');
  return message;
}

function invalid(bytes: Uint8Array, detail: string, cause?: unknown): ValidationError {
  return new ValidationError('INVALID_VALUE', 'GatewayMessage', `${bytes.length} bytes`, detail, { cause });
}

function toProto(message: GatewayMessage): media_sync.v1.GatewayMessage {
  switch (message.type) {
    case 'hello':
      return pb.GatewayMessage.create({
        hello: pb.Hello.create({
          protocol: message.protocol,
          userId: message.userId,
          deviceId: message.deviceId,
          maxFrameBytes: message.maxFrameBytes,
          tokenExpiresAtMs: message.tokenExpiresAt,
        }),
      });
    case 'frame':
      return pb.GatewayMessage.create({
        frame: pb.FrameUpload.create({ frameId: message.frameId, frame: message.frame }),
      });
    case 'ack':
      return pb.GatewayMessage.create({
        ack: pb.Ack.create({
          frameId: message.frameId,
          firstSeq: message.firstSeq,
          lastSeq: message.lastSeq,
          duplicate: message.duplicate,
          rejected: message.rejected.map((range) =>
            pb.RejectedRange.create({ firstSeq: range.firstSeq, lastSeq: range.lastSeq, code: range.code }),
          ),
          rejectedCount: message.rejectedCount,
          rejectedTruncated: message.rejectedTruncated,
        }),
      });
    case 'error':
      return pb.GatewayMessage.create({
        error: pb.Error.create({
          frameId: message.frameId,
          code: message.code,
          message: message.message,
          ...(message.offset === undefined ? {} : { offset: message.offset }),
        }),
      });
    case 'subscribe':
      return pb.GatewayMessage.create({ subscribe: pb.Subscribe.create({ since: message.since }) });
    case 'fanout':
      return pb.GatewayMessage.create({ fanout: pb.Fanout.create({ cursor: message.cursor, frame: message.frame }) });
    case 'command':
      return pb.GatewayMessage.create({
        command: pb.CommandDelivery.create({ deliveryId: message.deliveryId, frame: message.frame }),
      });
    case 'commandAck':
      return pb.GatewayMessage.create({ commandAck: pb.CommandAck.create({ deliveryId: message.deliveryId }) });
    case 'synced':
      return pb.GatewayMessage.create({ synced: pb.Synced.create({ cursor: message.cursor }) });
  }
}

function fromProto(decoded: media_sync.v1.GatewayMessage): GatewayMessage | undefined {
  switch (decoded.kind) {
    case 'hello': {
      const hello = decoded.hello as media_sync.v1.Hello;
      return {
        type: 'hello',
        protocol: hello.protocol,
        userId: hello.userId,
        deviceId: hello.deviceId,
        maxFrameBytes: hello.maxFrameBytes,
        tokenExpiresAt: Number(hello.tokenExpiresAtMs),
      };
    }
    case 'frame': {
      const upload = decoded.frame as media_sync.v1.FrameUpload;
      return { type: 'frame', frameId: upload.frameId, frame: view(upload.frame) };
    }
    case 'ack': {
      const ack = decoded.ack as media_sync.v1.Ack;
      return {
        type: 'ack',
        frameId: ack.frameId,
        firstSeq: Number(ack.firstSeq),
        lastSeq: Number(ack.lastSeq),
        duplicate: ack.duplicate,
        rejected: ack.rejected.map((range) => ({
          firstSeq: Number(range.firstSeq ?? 0),
          lastSeq: Number(range.lastSeq ?? 0),
          code: range.code ?? '',
        })),
        rejectedCount: ack.rejectedCount,
        rejectedTruncated: ack.rejectedTruncated,
      };
    }
    case 'error': {
      const error = decoded.error as media_sync.v1.Error;
      return {
        type: 'error',
        frameId: error.frameId,
        code: error.code,
        message: error.message,
        ...(error.offset === undefined || error.offset === null ? {} : { offset: error.offset }),
      };
    }
    case 'subscribe':
      return { type: 'subscribe', since: Number((decoded.subscribe as media_sync.v1.Subscribe).since) };
    case 'fanout': {
      const fanout = decoded.fanout as media_sync.v1.Fanout;
      return { type: 'fanout', cursor: Number(fanout.cursor), frame: view(fanout.frame) };
    }
    case 'command': {
      const command = decoded.command as media_sync.v1.CommandDelivery;
      return { type: 'command', deliveryId: Number(command.deliveryId), frame: view(command.frame) };
    }
    case 'commandAck':
      return { type: 'commandAck', deliveryId: Number((decoded.commandAck as media_sync.v1.CommandAck).deliveryId) };
    case 'synced':
      return { type: 'synced', cursor: Number((decoded.synced as media_sync.v1.Synced).cursor) };
    default:
      return undefined;
  }
}

/** A plain Uint8Array over the same bytes (protobufjs hands out Node Buffers where it can). */
function view(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
