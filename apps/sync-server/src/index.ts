export { SyncServerError, type SyncServerErrorCode } from './errors.js';
export {
  createSyncServer,
  type GatewayMetrics,
  type SyncServer,
  type SyncServerLogger,
  type SyncServerOptions,
  startSyncServer,
} from './server.js';
export {
  type CreateTokenOptions,
  createToken,
  DEFAULT_KID,
  DEFAULT_TOKEN_TTL_MS,
  parseSecrets,
  type TokenClaims,
  type TokenKey,
  type TokenSecrets,
  verifyToken,
} from './token.js';
