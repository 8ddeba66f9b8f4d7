import { ValidationError } from './errors.js';

/** The shape protobufjs uses for 64-bit integers when the `long` package is present. */
interface LongLike {
  readonly low: number;
  readonly high: number;
  readonly unsigned?: boolean;
}

/**
 * A protobuf 64-bit field as a JavaScript number. protobufjs returns a `Long` object or a number
 * depending on the environment; anything beyond 2^53 would lose precision, so it is rejected.
 */
export function int64ToNumber(value: number | LongLike | null | undefined, field: string): number {
  if (value === null || value === undefined) return 0;
  if (typeof value === 'number') return value;
  const high = value.unsigned ? value.high >>> 0 : value.high | 0;
  const n = high * 2 ** 32 + (value.low >>> 0);
  if (!Number.isSafeInteger(n))
    throw new ValidationError('OUT_OF_RANGE', field, `${high}:${value.low >>> 0}`, 'beyond 2^53');
  return n;
}
