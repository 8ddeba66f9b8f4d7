import { describe, expect, it } from 'vitest';
import { durableName } from '../src/index.js';

describe('durable consumer names', () => {
  it('keep user and device apart when an id holds a newline', () => {
    // Before, both hashed "a\nb\nc": the second pair took over the first's consumer of user "a".
    expect(durableName('a', 'b\nc')).not.toBe(durableName('a\nb', 'c'));
    expect(durableName('a', 'b')).toBe(durableName('a', 'b'));
    expect(durableName('a', 'b')).toMatch(/^media-sync-[0-9a-f]{32}$/);
  });
});
