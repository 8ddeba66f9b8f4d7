import {
  checkId,
  checkMillis,
  describeValue,
  type SequencedOperation,
  ValidationError,
  validateHlc,
  validateOperation,
} from '@media-sync/protocol';

const SEQUENCED_FIELDS = new Set(['deviceId', 'seq', 'hlc', 'op']);

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Checks a `SequencedOperation` `{ deviceId, seq, hlc, op }` and returns a fresh, canonical copy.
 * Throws `ValidationError` naming the bad field (`seq`, `hlc.logical`, `op.positionMs`).
 */
export function validateSequencedOperation(value: unknown): SequencedOperation {
  if (!isRecord(value)) {
    throw new ValidationError('NOT_AN_OBJECT', 'sequencedOperation', value, 'expected { deviceId, seq, hlc, op }');
  }
  rejectUnknownFields(value, SEQUENCED_FIELDS, '');
  for (const key of SEQUENCED_FIELDS) {
    if (value[key] === undefined) throw new ValidationError('MISSING_FIELD', key, undefined, 'is required');
  }
  const deviceId = checkId(value.deviceId, 'deviceId');
  const seq = checkSeq(value.seq, 'seq');
  const hlc = validateHlc(value.hlc, 'hlc');
  const op = withFieldPrefix('op', () => validateOperation(value.op));
  return { deviceId, seq, hlc, op };
}

/** A per-device sequence number: an integer ≥ 1 (§3). */
export function checkSeq(value: unknown, field: string): number {
  const seq = checkMillis(value, field);
  if (seq < 1) throw new ValidationError('OUT_OF_RANGE', field, value, 'seqs start at 1');
  return seq;
}

export function rejectUnknownFields(value: Record<string, unknown>, known: ReadonlySet<string>, prefix: string): void {
  for (const key of Object.keys(value)) {
    if (!known.has(key) && value[key] !== undefined) {
      throw new ValidationError('UNKNOWN_FIELD', `${prefix}${key}`, value[key], 'is not a known field');
    }
  }
}

/**
 * Runs `check` and re-throws its `ValidationError` with `prefix` in front of the field, so an
 * error deep inside a batch or a snapshot says where it is (`ops[3].op.userId`).
 */
export function withFieldPrefix<T>(prefix: string, check: () => T): T {
  try {
    return check();
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    const head = `${error.field}: `;
    const tail = ` (got ${describeValue(error.value)})`;
    let detail = error.message;
    if (detail.startsWith(head)) detail = detail.slice(head.length);
    if (detail.endsWith(tail)) detail = detail.slice(0, -tail.length);
    // validateOperation calls the whole value `operation` (and nested checks call it ''): that
    // is the prefix itself.
    const field = error.field === 'operation' || error.field === '' ? prefix : `${prefix}.${error.field}`;
    throw new ValidationError(error.code, field, error.value, detail, { cause: error });
  }
}
