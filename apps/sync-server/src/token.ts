import { decodeJwt, decodeProtectedHeader, errors, jwtVerify, SignJWT } from 'jose';
import { SyncServerError } from './errors.js';

/** What a gateway token grants: one device of one user, until `expiresAt`. */
export interface TokenClaims {
  readonly userId: string;
  readonly deviceId: string;
  /** Epoch milliseconds (a whole second: JWT `exp`) from which the token is refused. */
  readonly expiresAt: number;
}

/** One signing secret and the key id (`kid`) tokens name it by. */
export interface TokenKey {
  readonly kid: string;
  readonly secret: string;
}

/**
 * The gateway's secrets: one string (key id `default`), or several keys by `kid` so a secret
 * can be rotated — tokens signed with any listed key verify; the first signs new tokens.
 */
export type TokenSecrets = string | readonly TokenKey[];

export const DEFAULT_KID = 'default';

export interface CreateTokenOptions {
  readonly secret: TokenSecrets;
  /** Which key signs; default the first. */
  readonly kid?: string;
  readonly userId: string;
  readonly deviceId: string;
  /** Lifetime in milliseconds from `now`; default one day. Ignored when `expiresAt` is given. */
  readonly ttlMs?: number;
  /** Epoch milliseconds; rounded down to the second (JWT `exp`). */
  readonly expiresAt?: number;
  readonly now?: number;
}

export const DEFAULT_TOKEN_TTL_MS = 24 * 60 * 60 * 1000;

const ALGORITHM = 'HS256';
const encoder = new TextEncoder();

/**
 * A standard JWT (RFC 7519) signed HS256 by `jose`: protected header `{ alg: 'HS256', kid }`,
 * claims `{ sub: userId, did: deviceId, iat, exp }` in seconds. Three URL-safe parts, so it
 * fits a `?token=` parameter and a `Sec-WebSocket-Protocol` value.
 */
export async function createToken(options: CreateTokenOptions): Promise<string> {
  const keys = keysOf(options.secret);
  const key = options.kid === undefined ? keys[0] : keys.find((candidate) => candidate.kid === options.kid);
  if (key === undefined) {
    throw new SyncServerError('INVALID_OPTIONS', `no secret with kid ${JSON.stringify(options.kid)}`);
  }
  for (const field of ['userId', 'deviceId'] as const) {
    const value = options[field];
    if (typeof value !== 'string' || value.length === 0) {
      throw new SyncServerError('INVALID_OPTIONS', `${field} must be a non-empty string, got ${JSON.stringify(value)}`);
    }
    if (!storableId(value)) {
      throw new SyncServerError('INVALID_OPTIONS', `${field} ${JSON.stringify(value)} holds a NUL or a lone surrogate`);
    }
  }
  const now = options.now ?? Date.now();
  const expiresAt = options.expiresAt ?? now + (options.ttlMs ?? DEFAULT_TOKEN_TTL_MS);
  if (!Number.isSafeInteger(expiresAt)) {
    throw new SyncServerError('INVALID_OPTIONS', `expiresAt must be integer epoch milliseconds, got ${expiresAt}`);
  }
  return new SignJWT({ did: options.deviceId })
    .setProtectedHeader({ alg: ALGORITHM, kid: key.kid })
    .setSubject(options.userId)
    .setIssuedAt(Math.floor(now / 1000))
    .setExpirationTime(Math.floor(expiresAt / 1000))
    .sign(encoder.encode(key.secret));
}

/**
 * Checks the token against the key its `kid` names (HS256 only) and its expiry at `now`;
 * returns the claims or throws `SyncServerError` (`TOKEN_MALFORMED`, `TOKEN_BAD_SIGNATURE`,
 * `TOKEN_EXPIRED`).
 */
export async function verifyToken(
  token: string,
  secrets: TokenSecrets,
  now: number = Date.now(),
): Promise<TokenClaims> {
  const keys = keysOf(secrets);
  let kid: unknown;
  try {
    kid = decodeProtectedHeader(token).kid;
  } catch (cause) {
    throw new SyncServerError('TOKEN_MALFORMED', 'the token is not a JWT', { cause });
  }
  const key = keys.find((candidate) => candidate.kid === kid);
  if (key === undefined) {
    throw new SyncServerError(
      'TOKEN_BAD_SIGNATURE',
      `the token names kid ${JSON.stringify(kid)}, which the gateway does not hold`,
    );
  }
  let payload: { sub?: unknown; did?: unknown; exp?: unknown };
  try {
    ({ payload } = await jwtVerify(token, encoder.encode(key.secret), {
      algorithms: [ALGORITHM],
      requiredClaims: ['exp', 'sub'],
      currentDate: new Date(now),
      clockTolerance: 0,
    }));
  } catch (cause) {
    if (cause instanceof errors.JWTExpired) {
      throw new SyncServerError('TOKEN_EXPIRED', `the token expired at ${expiryOf(token)}`, { cause });
    }
    if (cause instanceof errors.JWSSignatureVerificationFailed) {
      throw new SyncServerError('TOKEN_BAD_SIGNATURE', 'the token signature does not match the gateway secret', {
        cause,
      });
    }
    throw new SyncServerError('TOKEN_MALFORMED', `the token is not a valid gateway JWT: ${(cause as Error).message}`, {
      cause,
    });
  }
  const { sub, did, exp } = payload;
  if (typeof sub !== 'string' || sub === '' || typeof did !== 'string' || did === '' || !Number.isSafeInteger(exp)) {
    throw new SyncServerError('TOKEN_MALFORMED', 'the token claims need sub (user), did (device) and exp');
  }
  if (!storableId(sub) || !storableId(did)) {
    throw new SyncServerError(
      'TOKEN_MALFORMED',
      'the token sub (user) or did (device) holds a NUL or a lone surrogate',
    );
  }
  return { userId: sub, deviceId: did, expiresAt: (exp as number) * 1000 };
}

/**
 * Secrets as a file or `MEDIA_SYNC_SECRET` holds them: one secret (key id `default`), or one
 * `<kid> <secret>` per line, the first signing; blank lines and `#` comments are skipped.
 */
export function parseSecrets(text: string): TokenKey[] {
  const lines = text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
  if (lines.length === 1 && !/\s/.test(lines[0] as string)) return [{ kid: DEFAULT_KID, secret: lines[0] as string }];
  return lines.map((line, i) => {
    const match = /^(\S+)\s+(\S+)$/.exec(line);
    if (!match) {
      throw new SyncServerError(
        'INVALID_OPTIONS',
        `secret line ${i + 1}: expected "<kid> <secret>" or a single secret`,
      );
    }
    return { kid: match[1] as string, secret: match[2] as string };
  });
}

/** The keys, checked: at least one, each with a non-empty kid and secret, kids unique. */
export function keysOf(secrets: TokenSecrets): readonly TokenKey[] {
  const keys = typeof secrets === 'string' ? [{ kid: DEFAULT_KID, secret: secrets }] : secrets;
  if (!Array.isArray(keys) || keys.length === 0) {
    throw new SyncServerError('INVALID_OPTIONS', 'the token secret must be a non-empty string or a list of keys');
  }
  const kids = new Set<string>();
  for (const key of keys) {
    if (typeof key?.secret !== 'string' || key.secret.length === 0 || typeof key.kid !== 'string' || key.kid === '') {
      throw new SyncServerError('INVALID_OPTIONS', 'every token key needs a non-empty kid and secret');
    }
    if (kids.has(key.kid)) throw new SyncServerError('INVALID_OPTIONS', `two secrets share kid ${key.kid}`);
    kids.add(key.kid);
  }
  return keys;
}

function expiryOf(token: string): string {
  const { exp } = decodeJwt(token);
  return exp === undefined ? 'its exp' : new Date(exp * 1000).toISOString();
}

/**
 * Whether an id survives the stores unchanged: PostgreSQL refuses a NUL in text and stores each
 * lone surrogate as U+FFFD, so "u\uD800" and "u\uDC00" would share one user's log there.
 */
export function storableId(id: string): boolean {
  return !/\0|\p{Cs}/u.test(id);
}
