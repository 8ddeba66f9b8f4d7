import { AWKWARD_USER_IDS } from '@media-sync/publisher-conformance';
import { describe, expect, it } from 'vitest';
import { natsNames } from '../src/index.js';

describe('subject names', () => {
  it('put the escaped user id in its place', () => {
    expect(natsNames('media-sync').subjectOf('a.b')).toBe('media-sync.user.a%2Eb.sync');
    expect(natsNames('media-sync').subjects).toBe('media-sync.user.*.sync');
  });

  it('give every user id one subject token, never shared, never a wildcard', () => {
    const subjects = AWKWARD_USER_IDS.map((userId) => natsNames('p').subjectOf(userId));
    expect(new Set(subjects).size).toBe(AWKWARD_USER_IDS.length);
    for (const subject of subjects) expect(subject).toMatch(/^p\.user\.[A-Za-z0-9_%-]+\.sync$/);
  });
});
