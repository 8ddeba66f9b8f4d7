import type { DeviceCommandOperation, JsonValue } from '@media-sync/protocol';
import { type ColumnBytes, type UintColumnReader, UintColumnWriter } from '../columns.js';
import { CodecError } from '../errors.js';
import { readPayload, writePayload } from '../payload.js';
import type { DecodeLimits } from '../types.js';
import { createReader, createWriter, toBytes } from '../varint.js';

/**
 * The device-command columns (one entry per command): string refs of command id, source and
 * target device and command type; the payload in the codec's compact binary JSON (one
 * length-delimited entry each); the expiry as an offset from the timestamp (0 = none).
 */

const MAX_TIMESTAMP = 2 ** 48 - 1;

export class CommandColumnsWriter {
  /** Provisional table ids; mapped to wire refs once the table is complete. */
  readonly commandIds: number[] = [];
  readonly sourceDevices: number[] = [];
  readonly targetDevices: number[] = [];
  readonly commandTypes: number[] = [];
  readonly payloads: Uint8Array[] = [];
  readonly expiryOffsets = new UintColumnWriter();

  reset(): void {
    this.commandIds.length = 0;
    this.sourceDevices.length = 0;
    this.targetDevices.length = 0;
    this.commandTypes.length = 0;
    this.payloads.length = 0;
    this.expiryOffsets.reset();
  }

  write(op: DeviceCommandOperation, ref: (s: string) => number, i: number): void {
    this.commandIds.push(ref(op.commandId));
    this.sourceDevices.push(ref(op.sourceDeviceId));
    this.targetDevices.push(ref(op.targetDeviceId));
    this.commandTypes.push(ref(op.commandType));
    const w = createWriter(32);
    try {
      writePayload(w, op.payload);
    } catch (error) {
      if (error instanceof CodecError) throw error;
      throw new CodecError('INVALID_INPUT', 0, `op ${i} has a payload that is not JSON`);
    }
    this.payloads.push(toBytes(w));
    if (op.expiresAt === undefined) this.expiryOffsets.write(0);
    else {
      const offset = op.expiresAt - op.timestamp;
      if (!Number.isInteger(op.expiresAt) || offset < 0 || op.expiresAt > MAX_TIMESTAMP)
        throw new CodecError('INVALID_INPUT', 0, `op ${i} has expiresAt ${op.expiresAt}`);
      this.expiryOffsets.write(offset + 1);
    }
  }
}

/**
 * Wire refs of a column of provisional ids: unsigned varints, left out when all are
 * `absentValue` (-1: never, for a column whose absence means something else).
 */
export function refColumn(ids: readonly number[], finalRef: (id: number) => number, absentValue = 0): ColumnBytes {
  if (ids.length === 0) return null;
  const w = new UintColumnWriter(absentValue);
  for (const id of ids) w.write(finalRef(id));
  return w.bytes();
}

export class CommandColumnsReader {
  private payloadIndex = 0;
  constructor(
    private readonly commandIds: UintColumnReader,
    private readonly sourceDevices: UintColumnReader,
    private readonly targetDevices: UintColumnReader,
    private readonly commandTypes: UintColumnReader,
    /** start/end pairs of the payload entries in `body`. */
    private readonly payloadRanges: readonly number[],
    private readonly expiryOffsets: UintColumnReader,
    private readonly body: Uint8Array,
    private readonly base: number,
    private readonly limits: DecodeLimits,
  ) {}

  read(table: readonly string[], timestamp: number, typeAt: number): DeviceCommandOperation {
    const size = table.length;
    const commandId = table[this.commandIds.readBelow(size, 'string ref')] as string;
    const sourceDeviceId = table[this.sourceDevices.readBelow(size, 'string ref')] as string;
    const targetDeviceId = table[this.targetDevices.readBelow(size, 'string ref')] as string;
    const commandType = table[this.commandTypes.readBelow(size, 'string ref')] as string;
    const k = this.payloadIndex++;
    const start = this.payloadRanges[k * 2];
    const end = this.payloadRanges[k * 2 + 1];
    if (start === undefined || end === undefined)
      throw new CodecError('MALFORMED_BODY', typeAt, 'fewer payloads than device commands');
    // The binary form can outgrow the JSON (a float is 9 bytes, "0.5," is 4), never by 3×.
    if (end - start > this.limits.maxPayloadBytes * 3) {
      throw new CodecError(
        'LIMIT_EXCEEDED',
        this.base + start,
        `payload of ${end - start} bytes exceeds 3 × ${this.limits.maxPayloadBytes}`,
      );
    }
    const payloadReader = createReader(this.body, start, end, this.base);
    const payload: JsonValue = readPayload(payloadReader);
    if (payloadReader.pos !== end)
      throw new CodecError('MALFORMED_BODY', this.base + payloadReader.pos, 'payload has trailing bytes');
    const expiryAt = this.expiryOffsets.offset;
    const expiry = this.expiryOffsets.read();
    if (expiry === 0)
      return { type: 'deviceCommand', commandId, sourceDeviceId, targetDeviceId, commandType, payload, timestamp };
    const expiresAt = timestamp + expiry - 1;
    if (expiresAt > MAX_TIMESTAMP)
      throw new CodecError('MALFORMED_BODY', expiryAt, `expiresAt ${expiresAt} out of range`);
    return {
      type: 'deviceCommand',
      commandId,
      sourceDeviceId,
      targetDeviceId,
      commandType,
      payload,
      timestamp,
      expiresAt,
    };
  }

  finish(): void {
    if (this.payloadIndex * 2 !== this.payloadRanges.length) {
      throw new CodecError(
        'MALFORMED_BODY',
        this.base + (this.payloadRanges[this.payloadIndex * 2] ?? 0),
        'more payloads than device commands',
      );
    }
  }
}
