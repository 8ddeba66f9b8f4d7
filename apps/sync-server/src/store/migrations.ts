import { SyncServerError } from '../errors.js';

/**
 * A database migrated by a newer gateway: this one would misread it, so it refuses to start and
 * changes nothing.
 */
export function migrationError(where: string, found: number, known: number): SyncServerError {
  return new SyncServerError(
    'SCHEMA_TOO_NEW',
    `${where} has schema version ${found}; this gateway knows up to ${known}: run a newer gateway on it`,
  );
}
