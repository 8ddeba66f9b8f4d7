import type { SequencedOperation } from '@media-sync/protocol';

/**
 * `JSON.stringify(value).length`, without building the text: the quota counts a log entry as
 * the length of its JSON (what the per-op store kept, and what the PostgreSQL store keeps), while
 * the SQLite store now keeps the log in the codec's binary form. For plain JSON data (objects,
 * arrays, strings, finite numbers, booleans, null; `undefined` members left out as
 * `JSON.stringify` leaves them); anything else (`toJSON`, a bigint, a cycle) is measured by
 * `JSON.stringify` itself.
 */
export function jsonLength(value: unknown): number {
  switch (typeof value) {
    case 'string':
      return stringLength(value);
    case 'number':
      return numberLength(value);
    case 'boolean':
      return value ? 4 : 5;
    case 'object': {
      if (value === null) return 4;
      if (Array.isArray(value)) return arrayLength(value);
      if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return textLength(value);
      // {"a":1,"b":2}: the braces, and per member its quoted key, a colon and a comma between.
      // for-in rather than Object.keys: no array per object (a log entry holds three).
      let length = 2;
      let members = 0;
      for (const key in value) {
        if (!Object.hasOwn(value, key)) continue;
        const member = (value as Record<string, unknown>)[key];
        if (member === undefined || typeof member === 'function' || typeof member === 'symbol') continue;
        length += stringLength(key) + 1 + jsonLength(member);
        members += 1;
      }
      return members === 0 ? 2 : length + members - 1;
    }
    default:
      return textLength(value);
  }
}

function arrayLength(values: readonly unknown[]): number {
  // [1,null]: `undefined` and functions are written as null inside arrays.
  let length = 2 + Math.max(0, values.length - 1);
  for (const item of values) {
    length += item === undefined || typeof item === 'function' || typeof item === 'symbol' ? 4 : jsonLength(item);
  }
  return length;
}

/** Safe integers by counting digits (the usual case: seqs, clocks, positions); others as written. */
function numberLength(value: number): number {
  if (!Number.isSafeInteger(value)) return Number.isFinite(value) ? String(value).length : 4;
  if (value < 0) return 1 + numberLength(-value);
  let digits = 1;
  for (let bound = 10; value >= bound && digits < 16; bound *= 10) digits += 1;
  return digits;
}

/**
 * Lengths of strings measured lately: a log's ids and keys repeat from op to op (one user, a few
 * devices and titles), and a lookup costs less than a scan. Cleared when full.
 */
const measured = new Map<string, number>();
const MAX_MEASURED = 4096;

function stringLength(text: string): number {
  // Ids are at most 256 UTF-8 bytes (§2); longer text (a payload's) is scanned each time.
  if (text.length > 256) return scannedLength(text);
  let length = measured.get(text);
  if (length === undefined) {
    length = scannedLength(text);
    if (measured.size >= MAX_MEASURED) measured.clear();
    measured.set(text, length);
  }
  return length;
}

/** Quotes plus each UTF-16 unit, escapes counted as `JSON.stringify` writes them. */
function scannedLength(text: string): number {
  let length = 2 + text.length;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code >= 0x20 && code !== 0x22 && code !== 0x5c && (code < 0xd800 || code > 0xdfff)) continue;
    if (code === 0x22 || code === 0x5c || (code >= 0x08 && code <= 0x0d && code !== 0x0b)) {
      length += 1; // \" \\ \b \t \n \f \r
    } else if (code < 0x20) {
      length += 5; // \u001f
    } else if (code <= 0xdbff && i + 1 < text.length) {
      const low = text.charCodeAt(i + 1);
      if (low >= 0xdc00 && low <= 0xdfff)
        i += 1; // a pair: kept as it is
      else length += 5; // a lone high surrogate: \ud800
    } else {
      length += 5; // a lone surrogate
    }
  }
  return length;
}

function textLength(value: unknown): number {
  return JSON.stringify(value)?.length ?? 0;
}

/** `{"a":…,"b":…}` without the values: braces, commas, and each quoted key and its colon. */
function membersOverhead(keys: readonly string[]): number {
  return 2 + (keys.length - 1) + keys.reduce((sum, key) => sum + key.length + 3, 0);
}

const ENTRY_OVERHEAD = membersOverhead(['deviceId', 'seq', 'hlc', 'op']);
const HLC_OVERHEAD = membersOverhead(['physicalMs', 'logical', 'nodeId']);
const WATCHLIST_OVERHEAD = membersOverhead(['type', 'userId', 'contentId', 'timestamp']);
const PROGRESS_OVERHEAD = membersOverhead(['type', 'userId', 'contentId', 'positionMs', 'state', 'timestamp']);
/** `,"durationMs":` */
const DURATION_OVERHEAD = 'durationMs'.length + 4;

/**
 * `jsonLength` of a log entry as the codec keeps it: its fields as `SequencedOperation` names
 * them (the codec stores those and no other), read by name rather than walked. For an entry the
 * codec encoded (its strings are strings, its numbers safe integers), it equals the length of
 * `JSON.stringify` of the entry `logAfter` returns; a device command is walked.
 */
export function codecEntryJsonLength(entry: SequencedOperation): number {
  const { hlc, op } = entry;
  let length =
    ENTRY_OVERHEAD +
    stringLength(entry.deviceId) +
    numberLength(entry.seq) +
    HLC_OVERHEAD +
    numberLength(hlc.physicalMs) +
    numberLength(hlc.logical) +
    stringLength(hlc.nodeId);
  switch (op.type) {
    case 'watchlistAdd':
    case 'watchlistRemove':
      length += WATCHLIST_OVERHEAD + op.type.length + 2 + stringLength(op.userId) + stringLength(op.contentId);
      return length + numberLength(op.timestamp);
    case 'progressUpdate':
      length += PROGRESS_OVERHEAD + op.type.length + 2 + stringLength(op.userId) + stringLength(op.contentId);
      length += numberLength(op.positionMs) + stringLength(op.state) + numberLength(op.timestamp);
      return op.durationMs === undefined ? length : length + DURATION_OVERHEAD + numberLength(op.durationMs);
    default:
      return length + jsonLength(op);
  }
}
