import { describe, expect, it } from 'vitest';
import {
  MAX_PAYLOAD_BYTES,
  parseOperation,
  parseTrace,
  parseTraceLine,
  type SyncOperation,
  toCanonicalJson,
  ValidationError,
  validateOperation,
} from '../src/index.js';

const progress = {
  type: 'progressUpdate',
  userId: 'u-1',
  contentId: 'tt0111161',
  positionMs: 120_000,
  durationMs: 8_520_000,
  state: 'playing',
  timestamp: 1_790_877_610_118,
};
const command = {
  type: 'deviceCommand',
  commandId: '98bfd821-6238-4ad9-a113-f2f7adb81c65',
  sourceDeviceId: 'web-chrome',
  targetDeviceId: 'phone-1',
  commandType: 'seek',
  payload: { positionMs: 4_404_355 },
  timestamp: 1_790_878_489_539,
  expiresAt: 1_790_879_989_539,
};
const watch = { type: 'watchlistAdd', userId: 'u-1', contentId: 'tmdb:550', timestamp: 1_790_877_610_000 };

function rejection(input: unknown): ValidationError {
  try {
    validateOperation(input);
  } catch (error) {
    if (error instanceof ValidationError) return error;
    throw error;
  }
  throw new Error(`accepted ${JSON.stringify(input)}`);
}

describe('validateOperation accepts the four operations of §2', () => {
  it.each([progress, command, watch, { ...watch, type: 'watchlistRemove' }])('$type', (op) => {
    expect(validateOperation(op)).toEqual(op);
  });

  it('accepts optional fields left out', () => {
    const { durationMs: _d, ...noDuration } = progress;
    const { expiresAt: _e, ...noExpiry } = command;
    expect(validateOperation(noDuration)).toEqual(noDuration);
    expect(validateOperation(noExpiry)).toEqual(noExpiry);
  });

  it('accepts any JSON payload, including null and nested arrays', () => {
    for (const payload of [null, 0, -1.5, 'x', true, [1, [2, { a: null }]], {}]) {
      expect(validateOperation({ ...command, payload })).toMatchObject({ payload });
    }
  });

  it('accepts characters outside the BMP written as surrogate pairs', () => {
    expect(validateOperation({ ...watch, contentId: 'film-\u{1f3ac}' })).toMatchObject({ contentId: 'film-\u{1f3ac}' });
  });

  it('accepts ids at exactly 256 UTF-8 bytes, multi-byte included', () => {
    const id = 'é'.repeat(128);
    expect(validateOperation({ ...watch, contentId: id })).toMatchObject({ contentId: id });
  });

  it('returns a copy in canonical key order', () => {
    const shuffled = { timestamp: watch.timestamp, contentId: watch.contentId, type: watch.type, userId: watch.userId };
    expect(Object.keys(validateOperation(shuffled))).toEqual(['type', 'userId', 'contentId', 'timestamp']);
  });
});

describe('validateOperation rejects every invalid input with the field and value', () => {
  const cases: Array<[string, unknown, string, string]> = [
    ['not an object', 42, 'NOT_AN_OBJECT', 'operation'],
    ['an array', [watch], 'NOT_AN_OBJECT', 'operation'],
    ['null', null, 'NOT_AN_OBJECT', 'operation'],
    ['missing type', { userId: 'u' }, 'MISSING_FIELD', 'type'],
    ['type not a string', { ...watch, type: 3 }, 'WRONG_TYPE', 'type'],
    ['unknown type', { ...watch, type: 'watchlistClear' }, 'UNKNOWN_TYPE', 'type'],
    ['unknown field', { ...watch, rating: 5 }, 'UNKNOWN_FIELD', 'rating'],
    ['field of another type', { ...watch, positionMs: 5 }, 'UNKNOWN_FIELD', 'positionMs'],
    ['missing userId', { ...watch, userId: undefined }, 'MISSING_FIELD', 'userId'],
    ['missing timestamp', { type: 'watchlistAdd', userId: 'u', contentId: 'c' }, 'MISSING_FIELD', 'timestamp'],
    ['missing state', { ...progress, state: undefined }, 'MISSING_FIELD', 'state'],
    ['missing payload', { ...command, payload: undefined }, 'MISSING_FIELD', 'payload'],
    ['empty userId', { ...watch, userId: '' }, 'EMPTY_STRING', 'userId'],
    ['numeric contentId', { ...watch, contentId: 550 }, 'WRONG_TYPE', 'contentId'],
    ['userId over 256 bytes', { ...watch, userId: 'x'.repeat(257) }, 'STRING_TOO_LONG', 'userId'],
    ['contentId over 256 UTF-8 bytes', { ...watch, contentId: 'é'.repeat(129) }, 'STRING_TOO_LONG', 'contentId'],
    ['fractional timestamp', { ...watch, timestamp: 1.5 }, 'NOT_AN_INTEGER', 'timestamp'],
    ['NaN position', { ...progress, positionMs: Number.NaN }, 'NOT_AN_INTEGER', 'positionMs'],
    ['Infinity position', { ...progress, positionMs: Number.POSITIVE_INFINITY }, 'NOT_AN_INTEGER', 'positionMs'],
    ['negative position', { ...progress, positionMs: -1 }, 'OUT_OF_RANGE', 'positionMs'],
    ['fractional position (float seconds)', { ...progress, positionMs: 12.5 }, 'NOT_AN_INTEGER', 'positionMs'],
    ['position as string', { ...progress, positionMs: '1000' }, 'WRONG_TYPE', 'positionMs'],
    ['negative duration', { ...progress, durationMs: -5 }, 'OUT_OF_RANGE', 'durationMs'],
    ['null duration', { ...progress, durationMs: null }, 'WRONG_TYPE', 'durationMs'],
    ['unknown state', { ...progress, state: 'buffering' }, 'INVALID_VALUE', 'state'],
    ['state not a string', { ...progress, state: 1 }, 'WRONG_TYPE', 'state'],
    ['negative timestamp', { ...watch, timestamp: -1 }, 'OUT_OF_RANGE', 'timestamp'],
    ['timestamp beyond 48 bits', { ...watch, timestamp: 2 ** 48 }, 'OUT_OF_RANGE', 'timestamp'],
    ['unsafe integer', { ...progress, positionMs: 2 ** 53 }, 'OUT_OF_RANGE', 'positionMs'],
    ['expiry before timestamp', { ...command, expiresAt: command.timestamp - 1 }, 'OUT_OF_RANGE', 'expiresAt'],
    ['fractional expiry', { ...command, expiresAt: 1.25 }, 'NOT_AN_INTEGER', 'expiresAt'],
    ['NaN in payload', { ...command, payload: { level: Number.NaN } }, 'INVALID_VALUE', 'payload.level'],
    ['undefined in payload array', { ...command, payload: [1, undefined] }, 'WRONG_TYPE', 'payload[1]'],
    ['function in payload', { ...command, payload: { f: () => 1 } }, 'WRONG_TYPE', 'payload.f'],
    ['Date in payload', { ...command, payload: new Date(0) }, 'WRONG_TYPE', 'payload'],
    ['payload over 16 KiB', { ...command, payload: 'x'.repeat(MAX_PAYLOAD_BYTES) }, 'PAYLOAD_TOO_LARGE', 'payload'],
    ['empty commandType', { ...command, commandType: '' }, 'EMPTY_STRING', 'commandType'],
    ['lone high surrogate in an id', { ...watch, contentId: 'tt\ud800' }, 'INVALID_UTF8', 'contentId'],
    ['lone low surrogate in an id', { ...watch, userId: '\udc00u' }, 'INVALID_UTF8', 'userId'],
    [
      'lone surrogate in a payload string',
      { ...command, payload: { title: 'a\ud83d' } },
      'INVALID_UTF8',
      'payload.title',
    ],
    ['lone surrogate in a payload key', { ...command, payload: { ['k\udfff']: 1 } }, 'INVALID_UTF8', 'payload.k\udfff'],
    ['missing targetDeviceId', { ...command, targetDeviceId: undefined }, 'MISSING_FIELD', 'targetDeviceId'],
  ];

  it.each(cases)('%s', (_label, input, code, field) => {
    const error = rejection(input);
    expect(error.name).toBe('ValidationError');
    expect(error.code).toBe(code);
    expect(error.field).toBe(field);
    expect(error.message).toContain(field);
  });

  it('puts the bad value in the error', () => {
    const error = rejection({ ...progress, positionMs: -42 });
    expect(error.value).toBe(-42);
    expect(error.message).toContain('-42');
  });

  it('rejects a payload nested deeper than 64 levels without overflowing the stack', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 10_000; i++) deep = [deep];
    expect(rejection({ ...command, payload: deep }).code).toBe('INVALID_VALUE');
  });

  it('accepts a payload of exactly 16 KiB', () => {
    const payload = 'x'.repeat(MAX_PAYLOAD_BYTES - 2); // two quote characters make 16 384 bytes
    expect(validateOperation({ ...command, payload })).toMatchObject({ payload });
  });
});

describe('parseOperation and trace lines', () => {
  it('rejects text that is not JSON', () => {
    expect(() => parseOperation('{"type":')).toThrowError(expect.objectContaining({ code: 'INVALID_JSON' }));
  });

  it('does not let __proto__ through as a field', () => {
    const error = (() => {
      try {
        parseOperation('{"type":"watchlistAdd","userId":"u","contentId":"c","timestamp":1,"__proto__":{"x":1}}');
      } catch (e) {
        return e as ValidationError;
      }
    })();
    expect(error?.code).toBe('UNKNOWN_FIELD');
    expect(error?.field).toBe('__proto__');
  });

  it('keeps __proto__ as a plain key of a payload', () => {
    const op = parseOperation(JSON.stringify(command).replace('"positionMs"', '"__proto__"')) as SyncOperation & {
      payload: Record<string, unknown>;
    };
    expect(Object.keys(op.payload)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(op.payload)).toBe(Object.prototype);
  });

  it('parses a trace line with its deviceId and validates the deviceId', () => {
    expect(parseTraceLine(JSON.stringify({ deviceId: 'tv', ...watch }))).toEqual({ deviceId: 'tv', op: watch });
    expect(parseTraceLine(JSON.stringify(watch))).toEqual({ op: watch });
    expect(() => parseTraceLine(JSON.stringify({ deviceId: '', ...watch }))).toThrowError(
      expect.objectContaining({ code: 'EMPTY_STRING', field: 'deviceId' }),
    );
  });

  it('parses a whole trace, skipping blank lines, and names the file and line of a bad one', () => {
    const good = JSON.stringify({ deviceId: 'tv', ...watch });
    expect(parseTrace(`${good}\n\n${good}\n`, 'a.jsonl')).toEqual([
      { deviceId: 'tv', op: watch },
      { deviceId: 'tv', op: watch },
    ]);
    let error: ValidationError | undefined;
    try {
      parseTrace(`${good}\n\n${JSON.stringify({ ...watch, timestamp: -5 })}\n`, 'a.jsonl');
    } catch (e) {
      error = e as ValidationError;
    }
    expect(error).toMatchObject({ code: 'OUT_OF_RANGE', field: 'timestamp', value: -5, location: 'a.jsonl:3' });
    expect(error?.message.startsWith('a.jsonl:3: timestamp: ')).toBe(true);
    expect(error?.message.endsWith('(got -5)')).toBe(true);
  });

  it('writes canonical JSON that reads back to itself', () => {
    const line = toCanonicalJson(validateOperation(progress), 'tv');
    expect(line.startsWith('{"deviceId":"tv","type":"progressUpdate","userId"')).toBe(true);
    const entry = parseTraceLine(line);
    expect(toCanonicalJson(entry.op, entry.deviceId)).toBe(line);
  });
});

describe('validateOperation reads only what the op itself carries', () => {
  /** Runs `check` with `Object.prototype` polluted by `fields`, and cleans up whatever happens. */
  function withPollutedPrototype(fields: Record<string, unknown>, check: () => void): void {
    const prototype = Object.prototype as Record<string, unknown>;
    for (const [key, value] of Object.entries(fields)) {
      Object.defineProperty(prototype, key, { value, configurable: true, writable: true, enumerable: true });
    }
    try {
      check();
    } finally {
      for (const key of Object.keys(fields)) delete prototype[key];
    }
  }

  it('a polluted Object.prototype injects no field and fills no missing one', () => {
    const { durationMs: _, ...withoutDuration } = progress;
    const { expiresAt: __, ...withoutExpiry } = command;
    withPollutedPrototype({ durationMs: 1, expiresAt: 1, isAdmin: true, type: 'watchlistAdd' }, () => {
      expect(validateOperation(withoutDuration)).toEqual(withoutDuration);
      expect(Object.hasOwn(validateOperation(withoutDuration), 'durationMs')).toBe(false);
      expect(Object.hasOwn(validateOperation(withoutExpiry), 'expiresAt')).toBe(false);
      expect(Object.keys(validateOperation(watch))).toEqual(['type', 'userId', 'contentId', 'timestamp']);
      expect(rejection({ userId: 'u-1', contentId: 'x', timestamp: 1 })).toMatchObject({
        code: 'MISSING_FIELD',
        field: 'type',
      });
    });
  });

  it('an inherited field does not count: the op must carry it itself', () => {
    const inherited = Object.assign(Object.create({ contentId: 'tmdb:550' }), {
      type: 'watchlistAdd',
      userId: 'u-1',
      timestamp: 1,
    });
    expect(rejection(inherited)).toMatchObject({ code: 'MISSING_FIELD', field: 'contentId' });
  });

  it('a throwing getter is a ValidationError UNREADABLE naming the field', () => {
    const hostile = { ...watch };
    Object.defineProperty(hostile, 'contentId', {
      enumerable: true,
      get() {
        throw new RangeError('boom');
      },
    });
    const error = rejection(hostile);
    expect(error).toMatchObject({ code: 'UNREADABLE', field: 'contentId' });
    expect(error.cause).toBeInstanceOf(RangeError);
  });

  it('proxies that throw (revoked, or on listing their keys) and payload getters are UNREADABLE', () => {
    const { proxy, revoke } = Proxy.revocable({ ...watch }, {});
    revoke();
    expect(rejection(proxy)).toMatchObject({ code: 'UNREADABLE', field: 'operation' });
    const noKeys = new Proxy(
      { ...watch },
      {
        ownKeys() {
          throw new Error('no keys for you');
        },
      },
    );
    expect(rejection(noKeys)).toMatchObject({ code: 'UNREADABLE', field: 'operation' });
    const payload = {};
    Object.defineProperty(payload, 'x', {
      enumerable: true,
      get() {
        throw new Error('payload getter');
      },
    });
    expect(rejection({ ...command, payload })).toMatchObject({ code: 'UNREADABLE', field: 'payload' });
    // And the error message itself never throws on such a value.
    expect(rejection(proxy).message).toContain('operation');
  });
});
