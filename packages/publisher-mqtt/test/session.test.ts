import { describe, expect, it } from 'vitest';
import { sessionClientId } from '../src/index.js';

describe('persistent session client ids', () => {
  it('keep prefix, user and device apart when an id holds a newline', () => {
    // Before, both hashed "p\na\nb\nc": the second pair resumed the first's session, subscribed to user "a".
    expect(sessionClientId('p', 'a', 'b\nc')).not.toBe(sessionClientId('p', 'a\nb', 'c'));
    expect(sessionClientId('p\na', 'b', 'c')).not.toBe(sessionClientId('p', 'a\nb', 'c'));
    expect(sessionClientId('p', 'a', 'b')).toBe(sessionClientId('p', 'a', 'b'));
  });
});
