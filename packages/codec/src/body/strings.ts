import { utf8Length } from '@media-sync/protocol';
import type { ContextState } from '../context.js';
import { CodecError } from '../errors.js';
import type { DecodeLimits } from '../types.js';
import { decodeUtf8 } from '../utf8.js';
import { isUuid, readUuid, writeUuidBytes } from '../uuid.js';

/**
 * The string table of one frame (Batch fields `strings` and `uuids`): every id once, referenced
 * by index. On the wire the table is the context's entries, then the frame's text entries, then
 * its UUID entries (16 raw bytes each). While encoding, a string gets a provisional id in
 * first-use order; `finalRef` maps it to its wire index once every string is known.
 */
export class StringTableWriter {
  readonly ids = new Map<string, number>();
  readonly texts: string[] = [];
  readonly uuids: string[] = [];
  /** For provisional id − context size: >= 0 index into texts, < 0 ~index into uuids. */
  private readonly slots: number[] = [];
  constructor(readonly context: ContextState) {}

  ref(s: string): number {
    const known = this.ids.get(s);
    if (known !== undefined) return known;
    const fromContext = this.context.index.get(s);
    if (fromContext !== undefined) {
      this.ids.set(s, fromContext);
      return fromContext;
    }
    if (typeof s !== 'string' || s.length === 0)
      throw new CodecError('INVALID_INPUT', 0, `id ${JSON.stringify(s)} must be a non-empty string`);
    const id = this.context.strings.length + this.slots.length;
    if (isUuid(s)) {
      this.slots.push(~this.uuids.length);
      this.uuids.push(s);
    } else {
      if (s.length > 85 && utf8Length(s) > 256)
        throw new CodecError('INVALID_INPUT', 0, `id ${JSON.stringify(s.slice(0, 40))}… exceeds 256 UTF-8 bytes`);
      this.slots.push(this.texts.length);
      this.texts.push(s);
    }
    this.ids.set(s, id);
    return id;
  }

  /** Maps a provisional id to its index on the wire. */
  finalRef(id: number): number {
    const c = this.context.strings.length;
    if (id < c) return id;
    const slot = this.slots[id - c] as number;
    return slot >= 0 ? c + slot : c + this.texts.length + ~slot;
  }

  /** The `uuids` field: every UUID entry as 16 bytes; null when there are none. */
  uuidBytes(): Uint8Array | null {
    if (this.uuids.length === 0) return null;
    const bytes = new Uint8Array(this.uuids.length * 16);
    for (let k = 0; k < this.uuids.length; k++) writeUuidBytes(this.uuids[k] as string, bytes, k * 16);
    return bytes;
  }

  /** The strings added to the table, in wire order. */
  added(): string[] {
    return [...this.texts, ...this.uuids];
  }
}

/**
 * Reads the table: the context's entries, then the text entries (`ranges` holds start/end pairs
 * into `body`), then the UUIDs. `base` is where body sits in the frame, for error offsets.
 */
export function readStringTable(
  body: Uint8Array,
  base: number,
  context: ContextState,
  ranges: readonly number[],
  uuids: { start: number; end: number } | undefined,
  limits: DecodeLimits,
): string[] {
  const table: string[] = context.strings.slice();
  for (let k = 0; k < ranges.length; k += 2) {
    const start = ranges[k] as number;
    const end = ranges[k + 1] as number;
    if (end === start) throw new CodecError('MALFORMED_BODY', base + start, 'empty string in the table');
    if (end - start > limits.maxStringBytes) {
      throw new CodecError(
        'LIMIT_EXCEEDED',
        base + start,
        `string of ${end - start} bytes exceeds ${limits.maxStringBytes}`,
      );
    }
    table.push(decodeUtf8(body, start, end, base + start));
  }
  if (uuids !== undefined) {
    const bytes = uuids.end - uuids.start;
    if (bytes % 16 !== 0)
      throw new CodecError(
        'MALFORMED_BODY',
        base + uuids.start,
        `uuids field of ${bytes} bytes is not a multiple of 16`,
      );
    for (let at = uuids.start; at < uuids.end; at += 16) table.push(readUuid(body, at));
  }
  return table;
}
