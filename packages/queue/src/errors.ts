/** Every way the queue itself fails (storage and publisher failures arrive as its `cause`). */
export type QueueErrorCode =
  /** The queue was closed. */
  | 'CLOSED'
  /** A device command was enqueued but the queue knows no userId to file it under. */
  | 'USER_ID_REQUIRED'
  /** The storage adapter failed; `cause` is the `StorageError`. */
  | 'STORAGE_FAILED'
  /** `replay()` or auto-replay on a queue created without a publisher. */
  | 'NO_PUBLISHER'
  /** The storage holds the queue of another device. */
  | 'DEVICE_MISMATCH';

export class QueueError extends Error {
  override readonly name = 'QueueError';
  readonly code: QueueErrorCode;

  constructor(code: QueueErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

export type ConfigErrorCode =
  /** A boolean setting is not one of true/false/1/0/yes/no/on/off. */
  | 'INVALID_BOOLEAN'
  /** An integer setting is not a whole number in range. */
  | 'INVALID_INTEGER'
  /** A queue option has a value outside its domain. */
  | 'INVALID_OPTION';

/** A bad setting: names the variable (or option) and the value it had. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly code: ConfigErrorCode;
  /** The environment variable or option name, e.g. `DELTA_SYNC_MIN_BATCH_SIZE`. */
  readonly variable: string;
  readonly value: unknown;

  constructor(code: ConfigErrorCode, variable: string, value: unknown, expected: string) {
    super(`${variable}=${JSON.stringify(value) ?? String(value)} is invalid: expected ${expected}`);
    this.code = code;
    this.variable = variable;
    this.value = value;
  }
}
