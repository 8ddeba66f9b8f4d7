import { createHmac, timingSafeEqual } from 'node:crypto';
import { SyncServerError } from './errors.js';

/** What a gateway token grants: one device of one user, until `expiresAt`. */
export interface TokenClaims {
  readonly userId: string;
  readonly deviceId: string;
  /** Epoch milliseconds after which the token is refused. */
  readonly expiresAt: number;
}

export interface CreateTokenOptions {
  readonly secret: string;
  readonly userId: string;
  readonly deviceId: string;
  /** Lifetime in milliseconds from `now`; default one day. Ignored when `expiresAt` is given. */
  readonly ttlMs?: number;
  readonly expiresAt?: number;
  readonly now?: number;
}

export const DEFAULT_TOKEN_TTL_MS = 24 * 60 * 60 * 1000;

/**
 * A token is `<base64url(JSON claims)>.<base64url(HMAC-SHA256(secret, first part))>`: two
 * URL-safe parts, so it fits a `?token=` parameter and a `Sec-WebSocket-Protocol` value.
 */
export function createToken(options: CreateTokenOptions): string {
  checkSecret(options.secret);
  for (const field of ['userId', 'deviceId'] as const) {
    const value = options[field];
    if (typeof value !== 'string' || value.length === 0) {
      throw new SyncServerError('INVALID_OPTIONS', `${field} must be a non-empty string, got ${JSON.stringify(value)}`);
    }
  }
  const expiresAt = options.expiresAt ?? (options.now ?? Date.now()) + (options.ttlMs ?? DEFAULT_TOKEN_TTL_MS);
  if (!Number.isSafeInteger(expiresAt)) {
    throw new SyncServerError('INVALID_OPTIONS', `expiresAt must be integer epoch milliseconds, got ${expiresAt}`);
  }
  const body = Buffer.from(JSON.stringify({ u: options.userId, d: options.deviceId, exp: expiresAt })).toString(
    'base64url',
  );
  return `${body}.${sign(options.secret, body).toString('base64url')}`;
}

/** Checks the signature (in constant time) and the expiry; returns the claims or throws `SyncServerError`. */
export function verifyToken(token: string, secret: string, now: number = Date.now()): TokenClaims {
  checkSecret(secret);
  const parts = typeof token === 'string' ? token.split('.') : [];
  const [body, signature] = parts;
  if (parts.length !== 2 || !body || !signature || !BASE64URL.test(body) || !BASE64URL.test(signature)) {
    throw new SyncServerError('TOKEN_MALFORMED', 'the token is not <claims>.<signature> in base64url');
  }
  const expected = sign(secret, body);
  const given = Buffer.from(signature, 'base64url');
  // Compare digests of equal length only: timingSafeEqual throws on a length mismatch.
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new SyncServerError('TOKEN_BAD_SIGNATURE', 'the token signature does not match the gateway secret');
  }
  let claims: unknown;
  try {
    claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
  } catch (cause) {
    throw new SyncServerError('TOKEN_MALFORMED', 'the token claims are not JSON', { cause });
  }
  const { u, d, exp } = (claims ?? {}) as { u?: unknown; d?: unknown; exp?: unknown };
  if (typeof u !== 'string' || u === '' || typeof d !== 'string' || d === '' || !Number.isSafeInteger(exp)) {
    throw new SyncServerError('TOKEN_MALFORMED', 'the token claims need a userId, a deviceId and an expiry');
  }
  if ((exp as number) <= now) {
    throw new SyncServerError('TOKEN_EXPIRED', `the token expired at ${new Date(exp as number).toISOString()}`);
  }
  return { userId: u, deviceId: d, expiresAt: exp as number };
}

const BASE64URL = /^[A-Za-z0-9_-]+$/;

function sign(secret: string, body: string): Buffer {
  return createHmac('sha256', secret).update(body).digest();
}

function checkSecret(secret: string): void {
  if (typeof secret !== 'string' || secret.length === 0) {
    throw new SyncServerError('INVALID_OPTIONS', 'the token secret must be a non-empty string');
  }
}
