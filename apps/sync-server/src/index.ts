export { SyncServerError, type SyncServerErrorCode } from './errors.js';
export {
  createSyncServer,
  type GatewayMetrics,
  type SyncServer,
  type SyncServerLogger,
  type SyncServerOptions,
  startSyncServer,
} from './server.js';
export { type CreateTokenOptions, createToken, DEFAULT_TOKEN_TTL_MS, type TokenClaims, verifyToken } from './token.js';
