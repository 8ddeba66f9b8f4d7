import { compareUtf8, DEFAULT_COMMAND_TTL_MS } from '@media-sync/protocol';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  commandEntry,
  compareWrites,
  createReplica,
  isDeliverable,
  lastWriterWins,
  mergeCommandEntries,
  progressEntry,
} from '../src/index.js';
import { compareCodePoints } from '../src/rules.js';
import { add, command, hlc, progress, remove, sequenced } from './helpers.js';

describe('progress: last-writer-wins by HLC', () => {
  it('keeps the write with the greater HLC whatever the arrival order', () => {
    const older = sequenced('phone-1', 1, hlc(2_000), progress('c1', 10_000));
    const newer = sequenced('tv', 1, hlc(3_000, 0, 'tv'), progress('c1', 20_000));
    for (const order of [
      [older, newer],
      [newer, older],
    ]) {
      const replica = createReplica();
      for (const op of order) replica.apply(op);
      expect(replica.getProgress('u1', 'c1')?.positionMs).toBe(20_000);
    }
  });

  it('breaks a tie of physicalMs and logical by nodeId', () => {
    const fromA = sequenced('a', 1, hlc(5_000, 2, 'a'), progress('c1', 111));
    const fromB = sequenced('b', 1, hlc(5_000, 2, 'b'), progress('c1', 222));
    const first = createReplica();
    expect(first.apply(fromA).status).toBe('applied');
    expect(first.apply(fromB).status).toBe('applied');
    const second = createReplica();
    expect(second.apply(fromB).status).toBe('applied');
    expect(second.apply(fromA).status).toBe('superseded');
    expect(first.getProgress('u1', 'c1')).toMatchObject({ positionMs: 222, deviceId: 'b' });
    expect(second.snapshot()).toEqual(first.snapshot());
  });

  it('compares nodeIds by UTF-8 bytes, not UTF-16 units', () => {
    // U+FFFF is EF BF BF in UTF-8 and U+10000 is F0 90 80 80, so U+10000 is later; JavaScript's
    // `<` on UTF-16 units (FFFF vs D800) says the opposite.
    const bmp = progressEntry(progress('c1', 1), hlc(1, 0, '\uffff'), 'x');
    const astral = progressEntry(progress('c1', 2), hlc(1, 0, '\u{10000}'), 'y');
    expect(lastWriterWins(bmp, astral)).toBe(astral);
    expect(lastWriterWins(astral, bmp)).toBe(astral);
  });

  it('picks the same winner of an exact HLC tie in both orders', () => {
    const one = progressEntry(progress('c1', 1), hlc(7), 'phone-1');
    const two = progressEntry(progress('c1', 2), hlc(7), 'phone-1');
    expect(lastWriterWins(one, two)).toBe(lastWriterWins(two, one));
    expect(compareWrites(one, two)).toBe(-compareWrites(two, one));
  });

  it('reports an older write as superseded and changes nothing', () => {
    const replica = createReplica();
    replica.apply(sequenced('phone-1', 1, hlc(3_000), progress('c1', 30_000)));
    const before = replica.snapshot();
    const result = replica.apply(sequenced('tv', 1, hlc(2_000, 0, 'tv'), progress('c1', 1)));
    expect(result).toEqual({ deviceId: 'tv', seq: 1, status: 'superseded', changed: false });
    expect(replica.snapshot().progress).toEqual(before.progress);
  });
});

describe('watchlist: last-writer-wins membership with tombstones', () => {
  it('lets a re-add after a remove win (the OR-Set bug this replaces)', () => {
    const replica = createReplica();
    replica.apply(sequenced('phone-1', 1, hlc(1_000), add('c1')));
    replica.apply(sequenced('phone-1', 2, hlc(2_000), remove('c1')));
    expect(replica.isInWatchlist('u1', 'c1')).toBe(false);
    const readd = replica.apply(sequenced('phone-1', 3, hlc(3_000), add('c1')));
    expect(readd).toMatchObject({ status: 'applied', changed: true });
    expect(replica.isInWatchlist('u1', 'c1')).toBe(true);
  });

  it('ignores a remove whose HLC is older than the add', () => {
    const replica = createReplica();
    replica.apply(sequenced('tv', 1, hlc(2_000, 0, 'tv'), add('c1')));
    const result = replica.apply(sequenced('phone-1', 1, hlc(1_000), remove('c1')));
    expect(result.status).toBe('superseded');
    expect(replica.watchlist().map((entry) => entry.contentId)).toEqual(['c1']);
  });

  it('keeps a removed title as a tombstone that outranks an older add arriving late', () => {
    const replica = createReplica();
    replica.apply(sequenced('phone-1', 2, hlc(2_000), remove('c1', 2_000)));
    expect(replica.apply(sequenced('tv', 1, hlc(1_000, 0, 'tv'), add('c1'))).status).toBe('superseded');
    expect(replica.watchlist()).toEqual([]);
    expect(replica.watchlist({ includeTombstones: true })).toEqual([
      { userId: 'u1', contentId: 'c1', member: false, timestamp: 2_000, hlc: hlc(2_000), deviceId: 'phone-1' },
    ]);
  });

  it('reports only membership flips as visible changes', () => {
    const replica = createReplica();
    expect(replica.apply(sequenced('p', 1, hlc(1), remove('c1')))).toMatchObject({ status: 'applied', changed: false });
    expect(replica.apply(sequenced('p', 2, hlc(2), add('c1')))).toMatchObject({ status: 'applied', changed: true });
    expect(replica.apply(sequenced('p', 3, hlc(3), add('c1')))).toMatchObject({ status: 'applied', changed: false });
    expect(replica.apply(sequenced('p', 4, hlc(4), remove('c1')))).toMatchObject({ status: 'applied', changed: true });
  });
});

describe('device-command inbox', () => {
  it('delivers a command once, and only to its target device', () => {
    const replica = createReplica();
    const result = replica.apply(sequenced('phone-1', 1, hlc(1_000), command('k1', 'tv')));
    expect(result).toMatchObject({ status: 'applied', changed: true, change: { kind: 'command' } });
    expect(replica.takeCommands('phone-1', 1_000)).toEqual([]);
    const taken = replica.takeCommands('tv', 1_500);
    expect(taken.map((entry) => entry.command.commandId)).toEqual(['k1']);
    expect(taken[0]?.delivered).toBe(true);
    expect(replica.takeCommands('tv', 1_600)).toEqual([]);
  });

  it('never delivers a command after its expiresAt', () => {
    const replica = createReplica();
    replica.apply(sequenced('phone-1', 1, hlc(1_000), command('k1', 'tv', 1_000, 5_000)));
    expect(replica.pendingCommands('tv', 5_000)).toHaveLength(1);
    expect(replica.takeCommands('tv', 5_001)).toEqual([]);
    // Expired commands are forgotten; a re-sent copy (new seq) is still never delivered.
    expect(replica.snapshot().commands).toEqual([]);
    replica.apply(sequenced('phone-1', 2, hlc(1_001), command('k1', 'tv', 1_000, 5_000)));
    expect(replica.takeCommands('tv', 6_000)).toEqual([]);
  });

  it('expires a command without expiresAt five minutes after its timestamp', () => {
    const replica = createReplica();
    replica.apply(sequenced('phone-1', 1, hlc(1_000), command('k1', 'tv', 1_000)));
    expect(replica.pendingCommands('tv', 1_000 + DEFAULT_COMMAND_TTL_MS)).toHaveLength(1);
    expect(replica.pendingCommands('tv', 1_001 + DEFAULT_COMMAND_TTL_MS)).toEqual([]);
    expect(replica.snapshot().commands[0]?.command.expiresAt).toBe(1_000 + DEFAULT_COMMAND_TTL_MS);
  });

  it('is idempotent by commandId: a re-sent command with a new seq is not delivered again', () => {
    const replica = createReplica();
    replica.apply(sequenced('phone-1', 1, hlc(1_000), command('k1', 'tv')));
    expect(replica.takeCommands('tv', 1_000)).toHaveLength(1);
    const again = replica.apply(sequenced('phone-1', 2, hlc(1_100), command('k1', 'tv')));
    expect(again).toEqual({ deviceId: 'phone-1', seq: 2, status: 'superseded', changed: false });
    expect(replica.takeCommands('tv', 1_200)).toEqual([]);
  });

  it('delivers in HLC order and keeps a delivery across a merge', () => {
    const gateway = createReplica();
    gateway.apply(sequenced('phone-1', 1, hlc(2_000), command('late', 'tv')));
    gateway.apply(sequenced('web', 1, hlc(1_000, 0, 'web'), command('early', 'tv')));
    const copy = gateway.clone();
    expect(gateway.takeCommands('tv', 2_000).map((entry) => entry.command.commandId)).toEqual(['early', 'late']);
    copy.merge(gateway);
    expect(copy.takeCommands('tv', 2_000)).toEqual([]);
  });

  it('markDelivered hands a command out only after the caller confirms it', () => {
    const replica = createReplica();
    replica.apply(sequenced('phone-1', 1, hlc(1_000), command('k1', 'tv')));
    expect(replica.pendingCommands('tv', 1_000)).toHaveLength(1);
    expect(replica.pendingCommands('tv', 1_000)).toHaveLength(1);
    replica.markDelivered(['k1', 'unknown']);
    expect(replica.pendingCommands('tv', 1_000)).toEqual([]);
  });

  it('merges two copies of a command by OR-ing delivered', () => {
    const op = command('k1', 'tv');
    const fresh = commandEntry(op, hlc(1), 'phone-1', false);
    const done = commandEntry(op, hlc(1), 'phone-1', true);
    expect(mergeCommandEntries(fresh, done).delivered).toBe(true);
    expect(mergeCommandEntries(done, fresh).delivered).toBe(true);
    expect(isDeliverable(mergeCommandEntries(fresh, fresh), 'tv', 1)).toBe(true);
    expect(isDeliverable(fresh, 'phone-1', 1)).toBe(false);
  });

  it('rejects a non-numeric now', () => {
    expect(() => createReplica().takeCommands('tv', Number.NaN)).toThrow(TypeError);
  });
});

describe('compareCodePoints', () => {
  it('law: orders any two strings as compareUtf8 does (surrogates, U+E000..U+FFFF, lone halves)', () => {
    const text = fc.string({
      unit: fc.constantFrom('a', 'é', '\uffff', '\ue000', '😀', '\ud800', '\udc00'),
      maxLength: 6,
    });
    fc.assert(
      fc.property(text, text, (a, b) => {
        expect(compareCodePoints(a, b)).toBe(compareUtf8(a, b));
      }),
      { numRuns: 5000 },
    );
    expect(compareCodePoints('\uffff', '😀')).toBe(-1);
    expect('\uffff' < '😀').toBe(false);
  });
});
