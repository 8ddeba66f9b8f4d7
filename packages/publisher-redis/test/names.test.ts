import { AWKWARD_USER_IDS } from '@media-sync/publisher-conformance';
import { describe, expect, it } from 'vitest';
import { userKeys } from '../src/index.js';

describe('key names', () => {
  it('put the escaped user id in its place', () => {
    expect(userKeys('media-sync', 'a.b').stream).toBe('media-sync.user.{a%2Eb}.sync');
  });

  it('never map two user ids to one stream', () => {
    const streams = AWKWARD_USER_IDS.map((userId) => userKeys('p', userId).stream);
    expect(new Set(streams).size).toBe(AWKWARD_USER_IDS.length);
    for (const stream of streams) expect(stream).toMatch(/^p\.user\.\{[A-Za-z0-9_%-]+\}\.sync$/);
  });
});
