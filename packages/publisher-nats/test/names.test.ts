import { AWKWARD_USER_IDS } from '@media-sync/publisher-conformance';
import { ConfigError } from '@media-sync/queue';
import { describe, expect, it } from 'vitest';
import { createNatsPublisher, createNatsSubscriber, natsNames } from '../src/index.js';

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

describe('stream names', () => {
  it('keep a prefix of letters, digits and dashes as it is (the default stream is still media-sync)', () => {
    expect(natsNames('media-sync').stream).toBe('media-sync');
    expect(natsNames('media-sync-demo-1a2b3c4d').stream).toBe('media-sync-demo-1a2b3c4d');
  });

  it('give prefixes that once shared a stream (every other character became _) a stream each', () => {
    const prefixes = [
      'a.b',
      'a_b',
      'a-b',
      'a_2Eb',
      'a_5Fb',
      'a/b',
      'a\\b',
      'a%b',
      'a$b',
      'a\u00e9',
      'ae\u0301',
      'a_C3_A9',
    ];
    const streams = [...new Set(prefixes)].map((prefix) => natsNames(prefix).stream);
    expect(new Set(streams).size).toBe(new Set(prefixes).size);
    expect(natsNames('a.b').stream).toBe('a_2Eb');
    expect(natsNames('a_b').stream).toBe('a_5Fb');
    for (const stream of streams) expect(stream).toMatch(/^[A-Za-z0-9_-]+$/);
  });

  it('refuse, with ConfigError INVALID_OPTION, a prefix no subject or stream can hold', () => {
    const invalid = [
      '',
      '.a',
      'a.',
      'a..b',
      'a b',
      'a\tb',
      'a*',
      'a.>',
      'a\u0000b',
      'a\uD800',
      'x'.repeat(256),
      '_'.repeat(86),
    ];
    for (const prefix of invalid) {
      const error = catchError(() => natsNames(prefix));
      expect(error, JSON.stringify(prefix)).toBeInstanceOf(ConfigError);
      expect([(error as ConfigError).code, (error as ConfigError).variable]).toEqual(['INVALID_OPTION', 'prefix']);
    }
    // The longest stream names the server accepts: 255 characters, escapes (3 each) included.
    expect(natsNames('x'.repeat(255)).stream).toHaveLength(255);
    expect(natsNames('_'.repeat(85)).stream).toHaveLength(255);
    expect(catchError(() => createNatsPublisher({ prefix: 'a b' }))).toBeInstanceOf(ConfigError);
    expect(catchError(() => createNatsSubscriber({ prefix: 'a.*', deviceId: 'tv' }))).toBeInstanceOf(ConfigError);
  });
});

function catchError(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  return undefined;
}
