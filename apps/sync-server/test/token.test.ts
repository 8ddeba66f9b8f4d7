import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SyncServerError } from '../src/errors.js';
import { createToken, verifyToken } from '../src/token.js';

const secret = 'test-secret';
const now = 1_700_000_000_000;

function codeOf(run: () => unknown): string | undefined {
  try {
    run();
    return undefined;
  } catch (error) {
    expect(error).toBeInstanceOf(SyncServerError);
    return (error as SyncServerError).code;
  }
}

describe('createToken / verifyToken', () => {
  it('round-trips the claims', () => {
    const token = createToken({ secret, userId: 'user-1', deviceId: 'tv', ttlMs: 60_000, now });
    expect(verifyToken(token, secret, now)).toEqual({ userId: 'user-1', deviceId: 'tv', expiresAt: now + 60_000 });
    expect(token).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
  });

  it('refuses a token signed with another secret', () => {
    const token = createToken({ secret: 'other', userId: 'user-1', deviceId: 'tv', now });
    expect(codeOf(() => verifyToken(token, secret, now))).toBe('TOKEN_BAD_SIGNATURE');
  });

  it('refuses a token whose claims were edited', () => {
    const token = createToken({ secret, userId: 'user-1', deviceId: 'tv', now });
    const [, signature] = token.split('.');
    const forged = Buffer.from(JSON.stringify({ u: 'user-2', d: 'tv', exp: now + 1e9 })).toString('base64url');
    expect(codeOf(() => verifyToken(`${forged}.${signature}`, secret, now))).toBe('TOKEN_BAD_SIGNATURE');
  });

  it('refuses an expired token', () => {
    const token = createToken({ secret, userId: 'user-1', deviceId: 'tv', expiresAt: now, now });
    expect(codeOf(() => verifyToken(token, secret, now))).toBe('TOKEN_EXPIRED');
    expect(codeOf(() => verifyToken(token, secret, now - 1))).toBeUndefined();
  });

  it.each(['', 'abc', 'a.b.c', 'a b.c', `${Buffer.from('not json').toString('base64url')}.x`])(
    'refuses the malformed token %j',
    (token) => {
      expect(codeOf(() => verifyToken(token, secret, now))).toMatch(/^TOKEN_(MALFORMED|BAD_SIGNATURE)$/);
    },
  );

  it('refuses a signed token with missing claims', () => {
    const body = Buffer.from(JSON.stringify({ u: 'user-1', exp: now + 1000 })).toString('base64url');
    const signature = createHmac('sha256', secret).update(body).digest('base64url');
    expect(codeOf(() => verifyToken(`${body}.${signature}`, secret, now))).toBe('TOKEN_MALFORMED');
  });

  it('needs a secret and ids', () => {
    expect(codeOf(() => createToken({ secret: '', userId: 'u', deviceId: 'd' }))).toBe('INVALID_OPTIONS');
    expect(codeOf(() => createToken({ secret, userId: '', deviceId: 'd' }))).toBe('INVALID_OPTIONS');
  });
});
