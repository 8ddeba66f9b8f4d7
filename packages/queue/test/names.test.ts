import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { escapeUserId } from '../src/index.js';

describe('escapeUserId', () => {
  it('escapes every separator, wildcard, hash-tag brace and non-ASCII byte', () => {
    expect(escapeUserId('u.x')).toBe('u%2Ex');
    expect(escapeUserId('{u}')).toBe('%7Bu%7D');
    expect(escapeUserId('a/b+#*>,: ')).toBe('a%2Fb%2B%23%2A%3E%2C%3A%20');
    expect(escapeUserId('ü')).toBe('%C3%BC');
    expect(escapeUserId('%2E')).toBe('%252E');
    expect(escapeUserId('user_1-A')).toBe('user_1-A');
  });

  it('is one-to-one and yields only [A-Za-z0-9_%-]', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), fc.string({ unit: 'grapheme' }), (a, b) => {
        expect(escapeUserId(a)).toMatch(/^[A-Za-z0-9_%-]*$/);
        if (a !== b) expect(escapeUserId(a)).not.toBe(escapeUserId(b));
      }),
    );
  });
});
