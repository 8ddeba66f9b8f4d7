import { describe, expect, it } from 'vitest';
import { ConfigError, resolveQueueConfig, SyncDeltaConfig } from '../src/index.js';

function configError(run: () => unknown): ConfigError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

describe('SyncDeltaConfig.fromEnv', () => {
  it('defaults to enabled, compressed, minimum batch 3 when nothing or empty strings are set', () => {
    expect(SyncDeltaConfig.fromEnv({})).toEqual({ enabled: true, compression: true, minBatchSize: 3 });
    expect(
      SyncDeltaConfig.fromEnv({ DELTA_SYNC_ENABLED: '', DELTA_SYNC_COMPRESSION: '', DELTA_SYNC_MIN_BATCH_SIZE: '' }),
    ).toEqual({ enabled: true, compression: true, minBatchSize: 3 });
  });

  const booleans: Array<[string, boolean]> = [
    ['true', true],
    ['TRUE', true],
    ['True', true],
    ['1', true],
    ['yes', true],
    ['YES', true],
    ['on', true],
    ['On', true],
    [' on ', true],
    ['false', false],
    ['FALSE', false],
    ['0', false],
    ['no', false],
    ['No', false],
    ['off', false],
    ['OFF', false],
  ];
  it.each(booleans)('reads %j as %s for both boolean variables', (raw, expected) => {
    expect(SyncDeltaConfig.fromEnv({ DELTA_SYNC_ENABLED: raw }).enabled).toBe(expected);
    expect(SyncDeltaConfig.fromEnv({ DELTA_SYNC_COMPRESSION: raw }).compression).toBe(expected);
  });

  it.each(['2', 'maybe', 'tru', 'y', 'n', 'enabled', '-1', 'null', 'undefined', '1.0', 'onn'])(
    'refuses %j for a boolean, naming the variable and the value',
    (raw) => {
      for (const variable of ['DELTA_SYNC_ENABLED', 'DELTA_SYNC_COMPRESSION']) {
        const error = configError(() => SyncDeltaConfig.fromEnv({ [variable]: raw }));
        expect(error.code).toBe('INVALID_BOOLEAN');
        expect(error.variable).toBe(variable);
        expect(error.value).toBe(raw);
        expect(error.message).toContain(variable);
        expect(error.message).toContain(JSON.stringify(raw));
      }
    },
  );

  it.each([
    ['1', 1],
    ['3', 3],
    [' 10 ', 10],
    ['1000', 1000],
    ['007', 7],
  ])('reads DELTA_SYNC_MIN_BATCH_SIZE=%j as %d', (raw, expected) => {
    expect(SyncDeltaConfig.fromEnv({ DELTA_SYNC_MIN_BATCH_SIZE: raw }).minBatchSize).toBe(expected);
  });

  it.each(['0', '-1', '1.5', '1e3', '0x10', 'abc', '3 ops', '+3', '99999999999999999999', 'NaN', 'Infinity'])(
    'refuses DELTA_SYNC_MIN_BATCH_SIZE=%j',
    (raw) => {
      const error = configError(() => SyncDeltaConfig.fromEnv({ DELTA_SYNC_MIN_BATCH_SIZE: raw }));
      expect(error.code).toBe('INVALID_INTEGER');
      expect(error.variable).toBe('DELTA_SYNC_MIN_BATCH_SIZE');
      expect(error.message).toContain(`DELTA_SYNC_MIN_BATCH_SIZE=${JSON.stringify(raw)}`);
    },
  );

  it('ignores unrelated variables', () => {
    expect(SyncDeltaConfig.fromEnv({ PATH: '/bin', DELTA_SYNC_OTHER: 'x' })).toEqual(SyncDeltaConfig.defaults);
  });
});

describe('resolveQueueConfig', () => {
  it('fills the documented defaults', () => {
    expect(resolveQueueConfig()).toEqual({
      enabled: true,
      compression: true,
      minBatchSize: 3,
      maxBatchOps: 500,
      pageSize: 1_000,
      coalesceProgress: true,
      maxAttempts: 5,
      backoff: { baseMs: 1_000, factor: 2, capMs: 300_000, jitter: 0.5 },
      leaseTtlMs: 30_000,
      dictionary: true,
      baselineBytes: true,
    });
  });

  it('sends one op per frame when delta sync is disabled', () => {
    expect(resolveQueueConfig({ enabled: false, maxBatchOps: 100 }).maxBatchOps).toBe(1);
  });

  it.each([
    [{ maxBatchOps: 0 }, 'maxBatchOps'],
    [{ pageSize: 1.5 }, 'pageSize'],
    [{ maxAttempts: -1 }, 'maxAttempts'],
    [{ minBatchSize: 0 }, 'minBatchSize'],
    [{ backoff: { factor: 0.5 } }, 'backoff.factor'],
    [{ backoff: { jitter: 2 } }, 'backoff.jitter'],
    [{ backoff: { baseMs: 10, capMs: 5 } }, 'backoff.capMs'],
  ])('refuses %j', (config, option) => {
    const error = configError(() => resolveQueueConfig(config));
    expect(error.code).toBe('INVALID_OPTION');
    expect(error.variable).toBe(option);
  });
});
