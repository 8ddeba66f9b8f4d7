import { describe, expect, it } from 'vitest';
import { memoryPositions } from '../src/index.js';

describe('memoryPositions', () => {
  it('keeps user and device apart when an id holds a newline', async () => {
    const positions = memoryPositions();
    await positions.save('a', 'b\nc', '17000000000000000');
    // Before, both were the key "a\nb\nc": another (user, device) resumed from this position.
    expect(await positions.load('a\nb', 'c')).toBeUndefined();
    expect(await positions.load('a', 'b\nc')).toBe('17000000000000000');
  });
});
