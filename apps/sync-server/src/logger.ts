/**
 * What the gateway logs through: the calling shape of a pino logger, fields first and the message
 * second (`log.warn({ deviceId, code }, 'frame rejected')`), so a pino instance can be passed as
 * it is (`startSyncServer({ logger: pino() })`), and anything else with these three methods too.
 * Fields never hold a token or a secret.
 */
export interface SyncServerLogger {
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
  error(fields: Record<string, unknown>, message: string): void;
}

export const SILENT: SyncServerLogger = { info() {}, warn() {}, error() {} };
