import { AWKWARD_USER_IDS } from '@media-sync/publisher-conformance';
import { describe, expect, it } from 'vitest';
import { topicOf } from '../src/index.js';

describe('topic names', () => {
  it('put the escaped user id in its place', () => {
    expect(topicOf('media-sync', 'a/b+#')).toBe('media-sync/user/a%2Fb%2B%23/sync');
  });

  it('give every user id one topic level, never shared, never a wildcard', () => {
    const subjects = AWKWARD_USER_IDS.map((userId) => topicOf('p', userId));
    expect(new Set(subjects).size).toBe(AWKWARD_USER_IDS.length);
    for (const subject of subjects) expect(subject).toMatch(/^p\/user\/[A-Za-z0-9_%-]+\/sync$/);
  });
});
