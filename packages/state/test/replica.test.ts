import { ValidationError } from '@media-sync/protocol';
import { describe, expect, it } from 'vitest';
import { createReplica, SeqTracker, UserStateReplica } from '../src/index.js';
import { add, command, hlc, progress, remove, sequenced } from './helpers.js';

function catchValidation(run: () => unknown): ValidationError {
  try {
    run();
  } catch (error) {
    if (error instanceof ValidationError) return error;
    throw error;
  }
  throw new Error('expected a ValidationError');
}

describe('apply: idempotent by (deviceId, seq)', () => {
  it('ignores a duplicate, even one carrying different content', () => {
    const replica = createReplica();
    const first = replica.apply(sequenced('phone-1', 1, hlc(1_000), progress('c1', 5_000)));
    expect(first).toEqual({
      deviceId: 'phone-1',
      seq: 1,
      status: 'applied',
      changed: true,
      change: { kind: 'progress', entry: replica.getProgress('u1', 'c1') },
    });
    const before = replica.snapshot();
    expect(replica.apply(sequenced('phone-1', 1, hlc(1_000), progress('c1', 5_000)))).toEqual({
      deviceId: 'phone-1',
      seq: 1,
      status: 'duplicate',
      changed: false,
    });
    expect(replica.apply(sequenced('phone-1', 1, hlc(9_000), progress('c1', 9_999))).status).toBe('duplicate');
    expect(replica.snapshot()).toEqual(before);
  });

  it('with trackSeqs: false remembers no seqs: the caller dedupes, the merge stays idempotent', () => {
    const replica = createReplica({ userId: 'u1', trackSeqs: false });
    // Past the tracker's bound, then a seq below a gap: still applied, never called a duplicate.
    for (let seq = 3; seq < 70_000; seq += 1) replica.apply(sequenced('tv', seq, hlc(seq), progress('c1', seq)));
    expect(replica.apply(sequenced('tv', 2, hlc(1), add('c2'))).status).toBe('applied');
    expect(replica.highWaterMarks()).toEqual([]);
    expect(replica.snapshot().seqs).toEqual([]);
    // The same op again changes nothing (last-writer-wins registers).
    expect(replica.apply(sequenced('tv', 2, hlc(1), add('c2')))).toMatchObject({
      status: 'superseded',
      changed: false,
    });
    const copy = UserStateReplica.fromJSON(JSON.parse(JSON.stringify(replica)), { userId: 'u1', trackSeqs: false });
    expect(copy.snapshot()).toEqual(replica.snapshot());
  });

  it('applies one frame with applyAll and reports each op', () => {
    const replica = createReplica();
    const results = replica.applyAll([
      sequenced('tv', 1, hlc(1, 0, 'tv'), add('c1')),
      sequenced('tv', 2, hlc(2, 0, 'tv'), progress('c1', 10)),
      sequenced('tv', 1, hlc(1, 0, 'tv'), add('c1')),
      sequenced('phone-1', 1, hlc(1, 0, 'phone-1'), progress('c1', 5)),
    ]);
    expect(results.map((result) => result.status)).toEqual(['applied', 'applied', 'duplicate', 'superseded']);
  });

  it('applyAllValidated applies valid ops as applyAll does, and still refuses another user’s op', () => {
    const ops = [
      sequenced('tv', 1, hlc(1, 0, 'tv'), add('c1')),
      sequenced('tv', 2, hlc(2, 0, 'tv'), progress('c1', 10)),
      sequenced('tv', 1, hlc(1, 0, 'tv'), add('c1')),
      sequenced('phone-1', 1, hlc(1, 0, 'phone-1'), progress('c1', 5)),
      sequenced('phone-1', 2, hlc(3, 0, 'phone-1'), command('k1', 'tv', 2_000, 90_000)),
    ];
    for (const trackSeqs of [true, false]) {
      const checked = createReplica({ userId: 'u1', trackSeqs });
      const trusted = createReplica({ userId: 'u1', trackSeqs });
      expect(trusted.applyAllValidated(ops)).toEqual(checked.applyAll(ops));
      expect(trusted.snapshot()).toEqual(checked.snapshot());
      const foreign = sequenced('tv', 3, hlc(4, 0, 'tv'), add('c2', 1_000, 'u2'));
      const error = catchValidation(() =>
        trusted.applyAllValidated([sequenced('tv', 9, hlc(9, 0, 'tv'), add('c3')), foreign]),
      );
      expect({ code: error.code, field: error.field }).toEqual({ code: 'INVALID_VALUE', field: 'ops[1].op.userId' });
      // Nothing of the refused frame was applied.
      expect(trusted.snapshot()).toEqual(checked.snapshot());
    }
    expect(() => createReplica().applyAllValidated('x' as never)).toThrow(TypeError);
  });

  it('tracks a contiguous high-water mark plus the seqs above a gap', () => {
    const replica = createReplica();
    for (const seq of [1, 3, 5, 6]) replica.apply(sequenced('tv', seq, hlc(seq, 0, 'tv'), progress('c1', seq)));
    expect(replica.highWaterMarks()).toEqual([{ deviceId: 'tv', upTo: 1, above: [3, 5, 6] }]);
    expect(replica.hasSeen('tv', 2)).toBe(false);
    replica.apply(sequenced('tv', 2, hlc(2, 0, 'tv'), progress('c1', 2)));
    expect(replica.highWaterMarks()).toEqual([{ deviceId: 'tv', upTo: 3, above: [5, 6] }]);
    replica.apply(sequenced('tv', 4, hlc(4, 0, 'tv'), progress('c1', 4)));
    expect(replica.highWaterMarks()).toEqual([{ deviceId: 'tv', upTo: 6, above: [] }]);
    expect(replica.apply(sequenced('tv', 5, hlc(5, 0, 'tv'), progress('c1', 5))).status).toBe('duplicate');
  });

  it('bounds the seqs kept above a gap that never fills', () => {
    const tracker = new SeqTracker(3);
    for (const seq of [1, 3, 4, 5, 6]) tracker.add('d', seq);
    // Seq 2 never came (say it was dead-lettered on the device): the mark jumps over it.
    expect(tracker.marks()).toEqual([{ deviceId: 'd', upTo: 6, above: [] }]);
    for (const seq of [8, 10, 12, 14]) tracker.add('d', seq);
    expect(tracker.marks()).toEqual([{ deviceId: 'd', upTo: 8, above: [10, 12, 14] }]);
    expect(() => new SeqTracker(0)).toThrow(TypeError);
    expect(() => tracker.add('d', 1.5)).toThrow(TypeError);
    expect(() => tracker.addMark({ deviceId: 'd', upTo: 0, above: [0] })).toThrow(TypeError);
    expect(tracker.marks()).toEqual([{ deviceId: 'd', upTo: 8, above: [10, 12, 14] }]);
  });

  it('keeps 100 000 in-order seqs as one number', () => {
    const tracker = new SeqTracker();
    for (let seq = 100_000; seq >= 1; seq -= 2) tracker.add('d', seq);
    expect(tracker.marks()[0]?.above).toHaveLength(50_000);
    for (let seq = 1; seq <= 100_000; seq += 2) tracker.add('d', seq);
    expect(tracker.marks()).toEqual([{ deviceId: 'd', upTo: 100_000, above: [] }]);
  });
});

describe('apply: validation', () => {
  const good = sequenced('tv', 1, hlc(1, 0, 'tv'), progress('c1', 10));

  it.each([
    ['not an object', 'nope', 'NOT_AN_OBJECT', 'sequencedOperation'],
    ['missing seq', { deviceId: 'tv', hlc: hlc(1), op: progress('c1', 1) }, 'MISSING_FIELD', 'seq'],
    ['seq 0', { ...good, seq: 0 }, 'OUT_OF_RANGE', 'seq'],
    ['fractional seq', { ...good, seq: 1.5 }, 'NOT_AN_INTEGER', 'seq'],
    ['empty deviceId', { ...good, deviceId: '' }, 'EMPTY_STRING', 'deviceId'],
    ['bad HLC', { ...good, hlc: { physicalMs: -1, logical: 0, nodeId: 'tv' } }, 'OUT_OF_RANGE', 'hlc.physicalMs'],
    ['unknown field', { ...good, extra: 1 }, 'UNKNOWN_FIELD', 'extra'],
    ['negative position', { ...good, op: { ...progress('c1', 1), positionMs: -5 } }, 'OUT_OF_RANGE', 'op.positionMs'],
    ['unknown op type', { ...good, op: { type: 'rate' } }, 'UNKNOWN_TYPE', 'op.type'],
    ['op not an object', { ...good, op: 7 }, 'NOT_AN_OBJECT', 'op'],
  ])('rejects %s and changes nothing', (_name, input, code, field) => {
    const replica = createReplica();
    replica.apply(sequenced('phone-1', 1, hlc(1), add('c9')));
    const before = replica.snapshot();
    const error = catchValidation(() => replica.apply(input));
    expect({ code: error.code, field: error.field }).toEqual({ code, field });
    expect(replica.snapshot()).toEqual(before);
  });

  it('rejects a whole frame when one op is malformed, naming it', () => {
    const replica = createReplica();
    const error = catchValidation(() =>
      replica.applyAll([good, { ...good, seq: 2, op: { ...progress('c1', 1), userId: '' } }]),
    );
    expect({ code: error.code, field: error.field }).toEqual({ code: 'EMPTY_STRING', field: 'ops[1].op.userId' });
    expect(error.message).toBe('ops[1].op.userId: must not be empty (got "")');
    expect(replica.snapshot().progress).toEqual([]);
    expect(replica.highWaterMarks()).toEqual([]);
    expect(() => replica.applyAll('x' as never)).toThrow(TypeError);
  });

  it('rejects another user’s ops when the replica is bound to one user', () => {
    const replica = createReplica({ userId: 'u1' });
    replica.apply(sequenced('tv', 1, hlc(1), add('c1', 1, 'u1')));
    const error = catchValidation(() => replica.apply(sequenced('tv', 2, hlc(2), add('c1', 1, 'u2'))));
    expect({ code: error.code, field: error.field }).toEqual({ code: 'INVALID_VALUE', field: 'op.userId' });
    expect(replica.apply(sequenced('tv', 2, hlc(2), command('k', 'phone-1'))).status).toBe('applied');
    const other = createReplica();
    other.apply(sequenced('web', 1, hlc(1), add('c1', 1, 'u2')));
    expect(() => replica.merge(other)).toThrow(TypeError);
    expect(() => UserStateReplica.fromJSON(other.toJSON(), { userId: 'u1' })).toThrow(ValidationError);
  });
});

describe('listing', () => {
  it('lists progress and watchlist per user, sorted, and hands out frozen entries', () => {
    const replica = createReplica();
    replica.applyAll([
      sequenced('tv', 1, hlc(1), progress('b', 1, 1, 'u2')),
      sequenced('tv', 2, hlc(2), progress('a', 2, 1, 'u2')),
      sequenced('tv', 3, hlc(3), progress('z', 3, 1, 'u1')),
      sequenced('tv', 4, hlc(4), add('z', 1, 'u2')),
      sequenced('tv', 5, hlc(5), add('y', 1, 'u2')),
      sequenced('tv', 6, hlc(6), remove('y', 1, 'u2')),
    ]);
    expect(replica.progress().map((entry) => `${entry.userId}/${entry.contentId}`)).toEqual(['u1/z', 'u2/a', 'u2/b']);
    expect(replica.progress({ userId: 'u2' }).map((entry) => entry.contentId)).toEqual(['a', 'b']);
    expect(replica.progress({ userId: 'nobody' })).toEqual([]);
    expect(replica.watchlist({ userId: 'u2' }).map((entry) => entry.contentId)).toEqual(['z']);
    expect(replica.watchlist({ userId: 'u2', includeTombstones: true }).map((entry) => entry.member)).toEqual([
      false,
      true,
    ]);
    const entry = replica.progress()[0];
    expect(() => {
      (entry as { positionMs: number }).positionMs = 0;
    }).toThrow(TypeError);
    expect(() => {
      (entry?.hlc as { logical: number }).logical = 9;
    }).toThrow(TypeError);
  });
});

describe('merge, snapshot and JSON', () => {
  function sample(): UserStateReplica {
    const replica = createReplica();
    replica.applyAll([
      sequenced('tv', 1, hlc(1_000, 0, 'tv'), { ...progress('c1', 10_000), durationMs: 60_000 }),
      sequenced('tv', 3, hlc(1_500, 0, 'tv'), add('c2')),
      sequenced('phone-1', 1, hlc(2_000), remove('c2')),
      sequenced('phone-1', 2, hlc(2_001), command('k1', 'tv', 2_000, 90_000)),
    ]);
    return replica;
  }

  it('round-trips through JSON text to an equal snapshot', () => {
    const replica = sample();
    const text = JSON.stringify(replica);
    const loaded = UserStateReplica.fromJSON(JSON.parse(text));
    expect(loaded.snapshot()).toEqual(replica.snapshot());
    expect(JSON.stringify(loaded)).toBe(text);
    expect(loaded.apply(sequenced('tv', 3, hlc(1_500, 0, 'tv'), add('c2'))).status).toBe('duplicate');
    expect(loaded.apply(sequenced('tv', 2, hlc(1_400, 0, 'tv'), add('c3'))).status).toBe('applied');
  });

  it('has a stable JSON form', () => {
    expect(sample().snapshot()).toMatchInlineSnapshot(`
      {
        "commands": [
          {
            "command": {
              "commandId": "k1",
              "commandType": "pause",
              "expiresAt": 90000,
              "payload": {
                "reason": "test",
              },
              "sourceDeviceId": "phone-1",
              "targetDeviceId": "tv",
              "timestamp": 2000,
              "type": "deviceCommand",
            },
            "delivered": false,
            "deviceId": "phone-1",
            "hlc": {
              "logical": 0,
              "nodeId": "phone-1",
              "physicalMs": 2001,
            },
          },
        ],
        "progress": [
          {
            "contentId": "c1",
            "deviceId": "tv",
            "durationMs": 60000,
            "hlc": {
              "logical": 0,
              "nodeId": "tv",
              "physicalMs": 1000,
            },
            "positionMs": 10000,
            "state": "playing",
            "timestamp": 1000,
            "userId": "u1",
          },
        ],
        "seqs": [
          {
            "above": [],
            "deviceId": "phone-1",
            "upTo": 2,
          },
          {
            "above": [
              3,
            ],
            "deviceId": "tv",
            "upTo": 1,
          },
        ],
        "version": 1,
        "watchlist": [
          {
            "contentId": "c2",
            "deviceId": "phone-1",
            "hlc": {
              "logical": 0,
              "nodeId": "phone-1",
              "physicalMs": 2000,
            },
            "member": false,
            "timestamp": 1000,
            "userId": "u1",
          },
        ],
      }
    `);
  });

  it.each([
    ['a wrong version', (s: Record<string, unknown>) => ({ ...s, version: 2 }), 'version'],
    ['a missing list', (s: Record<string, unknown>) => ({ ...s, progress: undefined }), 'progress'],
    [
      'a bad HLC',
      (s: Record<string, unknown>) => ({
        ...s,
        progress: [{ ...(s.progress as object[])[0], hlc: { physicalMs: 1 } }],
      }),
      'progress[0].hlc.logical',
    ],
    [
      'an unknown entry field',
      (s: Record<string, unknown>) => ({ ...s, watchlist: [{ ...(s.watchlist as object[])[0], tag: 'x' }] }),
      'watchlist[0].tag',
    ],
    [
      'a non-boolean delivered',
      (s: Record<string, unknown>) => ({ ...s, commands: [{ ...(s.commands as object[])[0], delivered: 1 }] }),
      'commands[0].delivered',
    ],
    [
      'a non-command in the inbox',
      (s: Record<string, unknown>) => ({ ...s, commands: [{ ...(s.commands as object[])[0], command: add('c') }] }),
      'commands[0].command.type',
    ],
    [
      'seqs above the mark out of order',
      (s: Record<string, unknown>) => ({ ...s, seqs: [{ deviceId: 'tv', upTo: 4, above: [3] }] }),
      'seqs[0].above[0]',
    ],
    ['an entry that is not an object', (s: Record<string, unknown>) => ({ ...s, seqs: [null] }), 'seqs[0]'],
  ])('fromJSON rejects %s', (_name, corrupt, field) => {
    const snapshot = JSON.parse(JSON.stringify(sample())) as Record<string, unknown>;
    const error = catchValidation(() => UserStateReplica.fromJSON(corrupt(snapshot)));
    expect(error.field).toBe(field);
  });

  it('merge returns the visible changes and leaves the other replica alone', () => {
    const gateway = createReplica();
    gateway.apply(sequenced('tv', 1, hlc(1, 0, 'tv'), add('c2')));
    const device = sample();
    const deviceBefore = device.snapshot();
    const changes = gateway.merge(device);
    expect(changes.map((change) => change.kind).sort()).toEqual(['command', 'progress', 'watchlist']);
    expect(gateway.isInWatchlist('u1', 'c2')).toBe(false);
    expect(device.snapshot()).toEqual(deviceBefore);
    expect(gateway.merge(device)).toEqual([]);
    expect(() => gateway.merge({} as never)).toThrow(TypeError);
  });
});
