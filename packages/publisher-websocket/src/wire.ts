/**
 * The gateway's wire protocol: every WebSocket message is binary,
 *
 *   byte 0      kind (MessageKind)
 *   bytes 1..4  id, unsigned 32-bit big-endian (its meaning depends on the kind)
 *   bytes 5..   payload: a codec frame, UTF-8 JSON, or nothing
 *
 * e.g. FRAME id 7 carrying frame bytes `0a 02 ...` is `01 00 00 00 07 0a 02 ...`.
 * Codec frames travel unchanged, so `protoc --decode=media_sync.v1.Frame` reads bytes 5.. of a
 * FRAME, FANOUT or COMMAND message.
 */
export const MessageKind = {
  /** client → gateway. id: frame id chosen by the client; payload: a codec frame. */
  FRAME: 1,
  /** gateway → client. id: the frame id; payload: JSON `AckBody`. Sent after the frame is durable. */
  ACK: 2,
  /** gateway → client. id: the frame id (0 when no frame); payload: JSON `ErrorBody`. */
  ERROR: 3,
  /** gateway → client, first message of a session. id: 0; payload: JSON `HelloBody`. */
  HELLO: 4,
  /** gateway → subscriber. id: the user's log cursor after this frame; payload: a self-contained codec frame. */
  FANOUT: 5,
  /** gateway → subscriber. id: delivery id; payload: a self-contained codec frame of device commands. */
  COMMAND: 6,
  /** subscriber → gateway. id: the delivery id of a COMMAND it has handled; no payload. */
  COMMAND_ACK: 7,
  /**
   * gateway → subscriber, after the catch-up frames and after each frame of the subscriber's own
   * device (which it is not sent back). id: the user's log cursor; no payload.
   */
  SYNCED: 8,
} as const;

export type MessageKind = (typeof MessageKind)[keyof typeof MessageKind];

export interface GatewayMessage {
  readonly kind: MessageKind;
  readonly id: number;
  readonly payload: Uint8Array;
}

export interface AckBody {
  readonly firstSeq: number;
  readonly lastSeq: number;
  /** The gateway had already accepted every op of the frame (dedupe by deviceId and seq). */
  readonly duplicate: boolean;
  /** Ops refused for good, with a stable code (see `RejectCode`). Nothing of them was applied. */
  readonly rejected: readonly { readonly seq: number; readonly code: string; readonly reason: string }[];
}

/** Why the gateway refused one op. */
export type RejectCode =
  /** The op names another user than the token's. */
  | 'FORBIDDEN_USER'
  /** The frame or command comes from another device than the token's. */
  | 'FORBIDDEN_DEVICE'
  /** The command targets a device of another user. */
  | 'FORBIDDEN_TARGET'
  /** The op's HLC is further ahead of the gateway's clock than it allows (§3 maxDriftMs). */
  | 'CLOCK_DRIFT';

export interface ErrorBody {
  /** A `CodecError` code (CRC_MISMATCH, CONTEXT_MISMATCH...) or a gateway code (BAD_MESSAGE, INTERNAL). */
  readonly code: string;
  readonly message: string;
  /** Byte offset in the frame for codec errors. */
  readonly offset?: number;
}

export interface HelloBody {
  readonly protocol: 1;
  readonly userId: string;
  readonly deviceId: string;
  /** Largest codec frame the gateway accepts. */
  readonly maxFrameBytes: number;
}

/** The WebSocket subprotocol the gateway speaks; a token may ride next to it as `token.<token>`. */
export const SUBPROTOCOL = 'media-sync.v1';
export const TOKEN_SUBPROTOCOL_PREFIX = 'token.';

/**
 * Close code of a connection whose `token.<token>` subprotocol the gateway refused (bad
 * signature, expired, malformed). A browser cannot read the HTTP status of a refused upgrade,
 * so the gateway upgrades and closes with this code instead; the reason reads
 * `UNAUTHORIZED: <why>`. Clients must treat it as final and not reconnect with the same token.
 */
export const UNAUTHORIZED_CLOSE_CODE = 4401;

const HEADER_BYTES = 5;
const MAX_ID = 0xffff_ffff;
const textEncoder = new TextEncoder();
const textDecoder = new TextDecoder('utf-8', { fatal: true });

export function encodeMessage(kind: MessageKind, id: number, payload: Uint8Array = EMPTY): Uint8Array {
  if (!Number.isInteger(id) || id < 0 || id > MAX_ID) throw new TypeError(`message id must be a uint32, got ${id}`);
  const bytes = new Uint8Array(HEADER_BYTES + payload.length);
  bytes[0] = kind;
  new DataView(bytes.buffer).setUint32(1, id);
  bytes.set(payload, HEADER_BYTES);
  return bytes;
}

export function encodeJsonMessage(kind: MessageKind, id: number, body: unknown): Uint8Array {
  return encodeMessage(kind, id, textEncoder.encode(JSON.stringify(body)));
}

/** Parses the 5-byte header; returns undefined for anything too short or of an unknown kind. */
export function decodeMessage(data: Uint8Array): GatewayMessage | undefined {
  if (data.length < HEADER_BYTES) return undefined;
  const kind = data[0] as MessageKind;
  if (!KINDS.has(kind)) return undefined;
  const id = new DataView(data.buffer, data.byteOffset, data.byteLength).getUint32(1);
  return { kind, id, payload: data.subarray(HEADER_BYTES) };
}

/** Reads a JSON payload; undefined when it is not valid UTF-8 JSON. */
export function readJson<T>(payload: Uint8Array): T | undefined {
  try {
    return JSON.parse(textDecoder.decode(payload)) as T;
  } catch {
    return undefined;
  }
}

const EMPTY = new Uint8Array(0);
const KINDS = new Set<number>(Object.values(MessageKind));
