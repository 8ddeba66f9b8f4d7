import { decodeJwt, decodeProtectedHeader, SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { SyncServerError } from '../src/errors.js';
import { createToken, parseSecrets, verifyToken } from '../src/token.js';
import { eventually, gateway, rawClient, SECRET, USER } from './helpers.js';

const secret = 'test-secret';
const now = 1_700_000_000_000;

async function codeOf(run: () => Promise<unknown>): Promise<string | undefined> {
  try {
    await run();
    return undefined;
  } catch (error) {
    expect(error).toBeInstanceOf(SyncServerError);
    return (error as SyncServerError).code;
  }
}

describe('createToken / verifyToken (JWT, HS256, kid)', () => {
  it('is a standard JWT: { alg: HS256, kid } and { sub, did, iat, exp } in seconds', async () => {
    const token = await createToken({ secret, userId: 'user-1', deviceId: 'tv', ttlMs: 60_000, now });
    expect(decodeProtectedHeader(token)).toEqual({ alg: 'HS256', kid: 'default' });
    expect(decodeJwt(token)).toEqual({ sub: 'user-1', did: 'tv', iat: now / 1000, exp: now / 1000 + 60 });
    expect(await verifyToken(token, secret, now)).toEqual({
      userId: 'user-1',
      deviceId: 'tv',
      expiresAt: now + 60_000,
    });
  });

  it('verifies with any listed key by kid, signs with the first or the named one (rotation)', async () => {
    const old = { kid: '2025', secret: 'old-secret' };
    const current = { kid: '2026', secret: 'new-secret' };
    const before = await createToken({ secret: [old], userId: 'u', deviceId: 'd', now });
    const after = await createToken({ secret: [current, old], userId: 'u', deviceId: 'd', now });
    expect(decodeProtectedHeader(after).kid).toBe('2026');
    for (const token of [before, after]) {
      expect((await verifyToken(token, [current, old], now)).userId).toBe('u');
    }
    // Once the old key is dropped, its tokens stop working.
    expect(await codeOf(() => verifyToken(before, [current], now))).toBe('TOKEN_BAD_SIGNATURE');
    const named = await createToken({ secret: [current, old], kid: '2025', userId: 'u', deviceId: 'd', now });
    expect(decodeProtectedHeader(named).kid).toBe('2025');
  });

  it('refuses a token signed with another secret, or whose claims were edited', async () => {
    const token = await createToken({ secret: 'other', userId: 'user-1', deviceId: 'tv', now });
    expect(await codeOf(() => verifyToken(token, secret, now))).toBe('TOKEN_BAD_SIGNATURE');
    const [header, , signature] = (await createToken({ secret, userId: 'user-1', deviceId: 'tv', now })).split('.');
    const forged = Buffer.from(JSON.stringify({ sub: 'user-2', did: 'tv', exp: now / 1000 + 1e6 })).toString(
      'base64url',
    );
    expect(await codeOf(() => verifyToken(`${header}.${forged}.${signature}`, secret, now))).toBe(
      'TOKEN_BAD_SIGNATURE',
    );
  });

  it('refuses an expired token, from its exp second on', async () => {
    const token = await createToken({ secret, userId: 'user-1', deviceId: 'tv', expiresAt: now, now });
    expect(await codeOf(() => verifyToken(token, secret, now))).toBe('TOKEN_EXPIRED');
    expect(await codeOf(() => verifyToken(token, secret, now - 1000))).toBeUndefined();
  });

  it.each(['', 'abc', 'a.b.c', 'a b.c', `${Buffer.from('not json').toString('base64url')}.x.y`])(
    'refuses the malformed token %j',
    async (token) => {
      expect(await codeOf(() => verifyToken(token, secret, now))).toMatch(/^TOKEN_(MALFORMED|BAD_SIGNATURE)$/);
    },
  );

  it('refuses a signed token with missing claims, or another algorithm', async () => {
    const key = new TextEncoder().encode(secret);
    const noDevice = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256', kid: 'default' })
      .setSubject('user-1')
      .setExpirationTime(now / 1000 + 60)
      .sign(key);
    expect(await codeOf(() => verifyToken(noDevice, secret, now))).toBe('TOKEN_MALFORMED');
    const hs512 = await new SignJWT({ did: 'tv' })
      .setProtectedHeader({ alg: 'HS512', kid: 'default' })
      .setSubject('user-1')
      .setExpirationTime(now / 1000 + 60)
      .sign(key);
    expect(await codeOf(() => verifyToken(hs512, secret, now))).toBe('TOKEN_MALFORMED');
  });

  it('refuses ids the stores would not keep apart: a NUL, or a lone surrogate (one and the same id in PostgreSQL)', async () => {
    const key = new TextEncoder().encode(secret);
    for (const [sub, did] of [
      ['u\uD800', 'tv'],
      ['u\uDC00', 'tv'],
      ['u', 'tv\0'],
      ['u\0', 'tv'],
    ]) {
      const signed = await new SignJWT({ did })
        .setProtectedHeader({ alg: 'HS256', kid: 'default' })
        .setSubject(sub as string)
        .setExpirationTime(now / 1000 + 60)
        .sign(key);
      expect(await codeOf(() => verifyToken(signed, secret, now))).toBe('TOKEN_MALFORMED');
      expect(await codeOf(() => createToken({ secret, userId: sub as string, deviceId: did as string }))).toBe(
        'INVALID_OPTIONS',
      );
    }
    // A well-formed pair (an emoji) is an ordinary id.
    const emoji = await createToken({ secret, userId: 'u\uD83D\uDE00', deviceId: 'tv', now });
    expect(await verifyToken(emoji, secret, now)).toMatchObject({ userId: 'u\uD83D\uDE00', deviceId: 'tv' });
  });

  it('needs a secret and ids', async () => {
    expect(await codeOf(() => createToken({ secret: '', userId: 'u', deviceId: 'd' }))).toBe('INVALID_OPTIONS');
    expect(await codeOf(() => createToken({ secret, userId: '', deviceId: 'd' }))).toBe('INVALID_OPTIONS');
    expect(await codeOf(() => createToken({ secret, kid: 'nope', userId: 'u', deviceId: 'd' }))).toBe(
      'INVALID_OPTIONS',
    );
  });

  it('reads secrets as a file holds them: one secret, or "<kid> <secret>" lines', () => {
    expect(parseSecrets('s3cret\n')).toEqual([{ kid: 'default', secret: 's3cret' }]);
    expect(parseSecrets('# rotation\n2026 new-secret\n\n2025 old-secret\n')).toEqual([
      { kid: '2026', secret: 'new-secret' },
      { kid: '2025', secret: 'old-secret' },
    ]);
    expect(() => parseSecrets('a b c\n')).toThrow(SyncServerError);
  });
});

describe('token expiry on an open connection', () => {
  it('closes the connection with 4401 when its token expires, and no frame after that is read', async () => {
    const { server } = await gateway();
    // JWT expiry is in whole seconds: at least one full second ahead.
    const expiresAt = (Math.floor(Date.now() / 1000) + 2) * 1000;
    const client = rawClient(
      server.url,
      await createToken({ secret: SECRET, userId: USER, deviceId: 'tv', expiresAt }),
    );
    await client.receivedCount(1);
    expect(client.received[0]).toMatchObject({ type: 'hello', tokenExpiresAt: expiresAt });
    expect(server.metrics().connections).toBe(1);
    // Held open past expiry: the gateway ends it.
    const closed = await client.closed;
    expect(Date.now()).toBeGreaterThanOrEqual(expiresAt);
    expect(closed).toEqual({ code: 4401, reason: 'UNAUTHORIZED: token expired' });
    await eventually(() => server.metrics().connections === 0);
    expect(server.metrics().tokensExpired).toBe(1);
  }, 15_000);
});
