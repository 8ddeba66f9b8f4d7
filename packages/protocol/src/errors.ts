export type ValidationErrorCode =
  | 'INVALID_JSON'
  | 'NOT_AN_OBJECT'
  | 'UNKNOWN_TYPE'
  | 'MISSING_FIELD'
  | 'UNKNOWN_FIELD'
  | 'WRONG_TYPE'
  | 'EMPTY_STRING'
  | 'STRING_TOO_LONG'
  | 'INVALID_UTF8'
  | 'NOT_AN_INTEGER'
  | 'OUT_OF_RANGE'
  | 'INVALID_VALUE'
  | 'PAYLOAD_TOO_LARGE'
  | 'CLOCK_DRIFT'
  /** Reading the input threw (a getter, a revoked proxy): nothing of it was taken. */
  | 'UNREADABLE';

/**
 * Input that breaks a rule of the wire contract. `field` is a dotted path (`payload`,
 * `hlc.physicalMs`), `value` the offending value as received.
 */
export class ValidationError extends Error {
  override readonly name = 'ValidationError';
  readonly code: ValidationErrorCode;
  readonly field: string;
  readonly value: unknown;
  /** What is wrong with the value, without field or value: `must not be negative`. */
  readonly detail: string;
  /** Where the input came from, when it came from a file: `trace.jsonl:12`. */
  readonly location: string | undefined;

  constructor(
    code: ValidationErrorCode,
    field: string,
    value: unknown,
    detail: string,
    options?: { cause?: unknown; location?: string },
  ) {
    const where = options?.location === undefined ? '' : `${options.location}: `;
    super(`${where}${field}: ${detail} (got ${describeValue(value)})`, options);
    this.code = code;
    this.field = field;
    this.value = value;
    this.detail = detail;
    this.location = options?.location;
  }
}

/** A short, safe rendering of any value for an error message. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return String(value);
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'symbol') return value.toString();
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    try {
      text = Object.prototype.toString.call(value);
    } catch {
      // A revoked proxy cannot even say what it is.
      text = 'an unreadable value';
    }
  }
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
