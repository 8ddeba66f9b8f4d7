export type SyncServerErrorCode =
  | 'TOKEN_MALFORMED'
  | 'TOKEN_BAD_SIGNATURE'
  | 'TOKEN_EXPIRED'
  | 'INVALID_OPTIONS'
  /** The database file is not a gateway database (another kind, or not SQLite). */
  | 'DATABASE_KIND'
  /** Another gateway process holds the database. */
  | 'DATABASE_LOCKED'
  /** The database was migrated by a newer gateway (its schema version is higher than this one knows). */
  | 'SCHEMA_TOO_NEW'
  /** `--store` / `MEDIA_SYNC_STORE` is not a store this gateway can open (scheme, syntax). */
  | 'STORE_URL'
  /** The store's server could not be reached, or refused the gateway, at start. */
  | 'STORE_UNREACHABLE'
  | 'CLOSED'
  /** `serve --fanout`: the broker could not be reached at start (outages later are ridden out). */
  | 'FANOUT_UNAVAILABLE'
  /** A device sent more ops per second than `opsPerSecond` allows; the frame may be sent again later. */
  | 'RATE_LIMITED'
  /** A device has `maxStoredBytesPerDevice` stored; the frame was not stored. */
  | 'QUOTA_EXCEEDED';

/** Every failure the gateway reports to its caller (a bad token, bad options, use after close). */
export class SyncServerError extends Error {
  override readonly name = 'SyncServerError';
  readonly code: SyncServerErrorCode;

  constructor(code: SyncServerErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}
