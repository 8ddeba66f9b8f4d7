import { describeValue, ValidationError } from './errors.js';
import { MAX_PHYSICAL_MS } from './hlc.js';
import {
  type DeviceCommandOperation,
  type JsonValue,
  OPERATION_TYPES,
  PLAYBACK_STATES,
  type PlaybackState,
  type ProgressUpdateOperation,
  type SyncOperation,
  type TraceEntry,
} from './operations.js';
import { isWellFormedUtf16, utf8Length } from './utf8.js';

export const MAX_STRING_BYTES = 256;
export const MAX_PAYLOAD_BYTES = 16 * 1024;

// Field lists in canonical order: the order keys appear in canonical JSON (§2).
const FIELDS = {
  watchlistAdd: ['type', 'userId', 'contentId', 'timestamp'],
  watchlistRemove: ['type', 'userId', 'contentId', 'timestamp'],
  progressUpdate: ['type', 'userId', 'contentId', 'positionMs', 'durationMs', 'state', 'timestamp'],
  deviceCommand: [
    'type',
    'commandId',
    'sourceDeviceId',
    'targetDeviceId',
    'commandType',
    'payload',
    'timestamp',
    'expiresAt',
  ],
} as const satisfies Record<SyncOperation['type'], readonly string[]>;

const OPTIONAL = new Set(['durationMs', 'expiresAt']);

type Fields = Record<string, unknown>;

function isRecord(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Checks that `value` is a `SyncOperation` exactly as §2 defines it and returns a fresh copy
 * with keys in canonical order. Throws `ValidationError` naming the first bad field.
 * A key whose value is `undefined` counts as absent (a JavaScript object cannot say otherwise).
 * Only the value's own properties count (`Object.hasOwn`): nothing inherited, so a polluted
 * `Object.prototype` adds no field; and any throw while reading it (a getter, a proxy) is a
 * `ValidationError` `UNREADABLE` naming the field, never another exception. The op returned is
 * built from the values checked, whatever a getter answers later.
 */
export function validateOperation(value: unknown): SyncOperation {
  reading = 'operation';
  try {
    return validateRecord(value);
  } catch (error) {
    if (error instanceof ValidationError) throw error;
    throw unreadable(reading, error);
  }
}

/** The field being read, so a throw while reading it (a getter, a proxy) can name it. */
let reading = 'operation';

/** `value[key]` when `value` itself has `key`; never an inherited (or polluted) property. */
function own(value: Fields, key: string): unknown {
  reading = key;
  return Object.hasOwn(value, key) ? value[key] : undefined;
}

function unreadable(field: string, error: unknown): ValidationError {
  const reason = error instanceof Error ? `${error.name}: ${error.message}` : describeValue(error);
  return new ValidationError('UNREADABLE', field, undefined, `reading it threw ${reason}`, { cause: error });
}

function validateRecord(value: unknown): SyncOperation {
  if (!isRecord(value)) throw new ValidationError('NOT_AN_OBJECT', 'operation', value, 'expected an object');
  const type = own(value, 'type');
  if (type === undefined) throw new ValidationError('MISSING_FIELD', 'type', type, 'is required');
  if (typeof type !== 'string') throw new ValidationError('WRONG_TYPE', 'type', type, 'expected a string');
  if (!(OPERATION_TYPES as readonly string[]).includes(type)) {
    throw new ValidationError('UNKNOWN_TYPE', 'type', type, `expected one of ${OPERATION_TYPES.join(', ')}`);
  }
  const fields: readonly string[] = FIELDS[type as SyncOperation['type']];
  reading = 'operation';
  for (const key of Object.keys(value)) {
    if (fields.includes(key)) continue;
    const extra = own(value, key);
    if (extra !== undefined) throw new ValidationError('UNKNOWN_FIELD', key, extra, `is not a field of ${type}`);
  }
  for (const key of fields) {
    if (own(value, key) === undefined && !OPTIONAL.has(key)) {
      throw new ValidationError('MISSING_FIELD', key, undefined, `is required for ${type}`);
    }
  }
  switch (type) {
    case 'watchlistAdd':
    case 'watchlistRemove':
      return {
        type,
        userId: checkId(own(value, 'userId'), 'userId'),
        contentId: checkId(own(value, 'contentId'), 'contentId'),
        timestamp: checkTimestamp(own(value, 'timestamp'), 'timestamp'),
      };
    case 'progressUpdate':
      return checkProgress(value);
    default:
      return checkCommand(value);
  }
}

// Object literals (not spreads) keep validation cheap on a receiver's hot path.
function checkProgress(value: Fields): ProgressUpdateOperation {
  const state = own(value, 'state');
  if (typeof state !== 'string') throw new ValidationError('WRONG_TYPE', 'state', state, 'expected a string');
  if (!(PLAYBACK_STATES as readonly string[]).includes(state)) {
    throw new ValidationError('INVALID_VALUE', 'state', state, `expected one of ${PLAYBACK_STATES.join(', ')}`);
  }
  const userId = checkId(own(value, 'userId'), 'userId');
  const contentId = checkId(own(value, 'contentId'), 'contentId');
  const positionMs = checkMillis(own(value, 'positionMs'), 'positionMs');
  const rawDuration = own(value, 'durationMs');
  const durationMs = rawDuration === undefined ? undefined : checkMillis(rawDuration, 'durationMs');
  const timestamp = checkTimestamp(own(value, 'timestamp'), 'timestamp');
  return durationMs === undefined
    ? { type: 'progressUpdate', userId, contentId, positionMs, state: state as PlaybackState, timestamp }
    : { type: 'progressUpdate', userId, contentId, positionMs, durationMs, state: state as PlaybackState, timestamp };
}

function checkCommand(value: Fields): DeviceCommandOperation {
  const commandId = checkId(own(value, 'commandId'), 'commandId');
  const sourceDeviceId = checkId(own(value, 'sourceDeviceId'), 'sourceDeviceId');
  const targetDeviceId = checkId(own(value, 'targetDeviceId'), 'targetDeviceId');
  const commandType = checkId(own(value, 'commandType'), 'commandType');
  const payload = checkPayload(own(value, 'payload'));
  const timestamp = checkTimestamp(own(value, 'timestamp'), 'timestamp');
  const type = 'deviceCommand';
  const rawExpiresAt = own(value, 'expiresAt');
  if (rawExpiresAt === undefined) {
    return { type, commandId, sourceDeviceId, targetDeviceId, commandType, payload, timestamp };
  }
  const expiresAt = checkTimestamp(rawExpiresAt, 'expiresAt');
  if (expiresAt < timestamp) {
    throw new ValidationError('OUT_OF_RANGE', 'expiresAt', expiresAt, `must not be before timestamp ${timestamp}`);
  }
  return { type, commandId, sourceDeviceId, targetDeviceId, commandType, payload, timestamp, expiresAt };
}

/** S of §2: a non-empty string of at most 256 UTF-8 bytes. */
export function checkId(value: unknown, field: string): string {
  if (typeof value !== 'string') throw new ValidationError('WRONG_TYPE', field, value, 'expected a string');
  if (value.length === 0) throw new ValidationError('EMPTY_STRING', field, value, 'must not be empty');
  if (!isWellFormedUtf16(value)) throw new ValidationError('INVALID_UTF8', field, value, 'has a lone surrogate');
  if (utf8Length(value) > MAX_STRING_BYTES) {
    throw new ValidationError('STRING_TOO_LONG', field, value, `longer than ${MAX_STRING_BYTES} UTF-8 bytes`);
  }
  return value;
}

/** T of §2: integer epoch milliseconds, within the 48 bits an HLC can carry. */
export function checkTimestamp(value: unknown, field: string): number {
  const n = checkInteger(value, field);
  if (n < 0 || n > MAX_PHYSICAL_MS) {
    throw new ValidationError('OUT_OF_RANGE', field, value, `expected epoch milliseconds 0..${MAX_PHYSICAL_MS}`);
  }
  return n;
}

/** U of §2: integer milliseconds ≥ 0. */
export function checkMillis(value: unknown, field: string): number {
  const n = checkInteger(value, field);
  if (n < 0) throw new ValidationError('OUT_OF_RANGE', field, value, 'must not be negative');
  return n;
}

function checkInteger(value: unknown, field: string): number {
  if (typeof value !== 'number') throw new ValidationError('WRONG_TYPE', field, value, 'expected an integer number');
  if (!Number.isFinite(value) || !Number.isInteger(value)) {
    throw new ValidationError('NOT_AN_INTEGER', field, value, 'expected an integer');
  }
  if (!Number.isSafeInteger(value)) throw new ValidationError('OUT_OF_RANGE', field, value, 'beyond 2^53');
  return value;
}

/** A command payload: any JSON value, at most 16 KiB once encoded. Returns a deep copy. */
function checkPayload(value: unknown): JsonValue {
  const copy = copyJson(value, 'payload', 0);
  const size = utf8Length(JSON.stringify(copy));
  if (size > MAX_PAYLOAD_BYTES) {
    throw new ValidationError(
      'PAYLOAD_TOO_LARGE',
      'payload',
      `${size} bytes`,
      `larger than ${MAX_PAYLOAD_BYTES} bytes as JSON`,
    );
  }
  return copy;
}

// Deep enough for any real payload, shallow enough that a hostile one cannot blow the stack.
const MAX_PAYLOAD_DEPTH = 64;

function copyJson(value: unknown, field: string, depth: number): JsonValue {
  if (depth > MAX_PAYLOAD_DEPTH)
    throw new ValidationError('INVALID_VALUE', field, '…', `nested deeper than ${MAX_PAYLOAD_DEPTH}`);
  if (typeof value === 'string') {
    if (!isWellFormedUtf16(value)) throw new ValidationError('INVALID_UTF8', field, value, 'has a lone surrogate');
    return value;
  }
  if (value === null || typeof value === 'boolean') return value;
  if (typeof value === 'number') {
    if (!Number.isFinite(value))
      throw new ValidationError('INVALID_VALUE', field, value, 'JSON has no NaN or Infinity');
    return value;
  }
  if (Array.isArray(value)) return value.map((item, i) => copyJson(item, `${field}[${i}]`, depth + 1));
  if (isRecord(value)) {
    const proto = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) {
      throw new ValidationError('WRONG_TYPE', field, value, 'expected a plain JSON object');
    }
    const out: { [key: string]: JsonValue } = {};
    for (const [key, item] of Object.entries(value)) {
      if (!isWellFormedUtf16(key))
        throw new ValidationError('INVALID_UTF8', `${field}.${key}`, key, 'key has a lone surrogate');
      // Assigning "__proto__" would change the copy's prototype instead of adding a key.
      Object.defineProperty(out, key, {
        value: copyJson(item, `${field}.${key}`, depth + 1),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return out;
  }
  throw new ValidationError('WRONG_TYPE', field, value, 'not a JSON value');
}

/** Parses one operation from JSON text (§2). */
export function parseOperation(json: string): SyncOperation {
  return validateOperation(parseJson(json));
}

/** Parses one trace line: an operation with an optional `deviceId`. */
export function parseTraceLine(json: string): TraceEntry {
  const value = parseJson(json);
  if (!isRecord(value)) throw new ValidationError('NOT_AN_OBJECT', 'operation', value, 'expected an object');
  const { deviceId, ...rest } = value;
  const op = validateOperation(rest);
  return deviceId === undefined ? { op } : { deviceId: checkId(deviceId, 'deviceId'), op };
}

/**
 * Parses a whole JSON Lines trace (§2); blank lines are skipped. A bad line throws its
 * `ValidationError` again with `location` `<source>:<line number>`, so the message says where.
 */
export function parseTrace(text: string, source = 'trace'): TraceEntry[] {
  const entries: TraceEntry[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    if (line.trim() === '') continue;
    try {
      entries.push(parseTraceLine(line));
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      throw new ValidationError(error.code, error.field, error.value, error.detail, {
        cause: error,
        location: `${source}:${i + 1}`,
      });
    }
  }
  return entries;
}

function parseJson(json: string): unknown {
  if (typeof json !== 'string') throw new TypeError(`expected JSON text, got ${typeof json}`);
  try {
    return JSON.parse(json);
  } catch (error) {
    throw new ValidationError('INVALID_JSON', 'operation', json, 'is not valid JSON', { cause: error });
  }
}

/**
 * The canonical JSON text of an operation (and of its trace line when `deviceId` is given):
 * `deviceId` first, then the fields in §2 order, absent optionals omitted.
 */
export function toCanonicalJson(op: SyncOperation, deviceId?: string): string {
  const canonical = validateOperation(op);
  return JSON.stringify(deviceId === undefined ? canonical : { deviceId, ...canonical });
}
