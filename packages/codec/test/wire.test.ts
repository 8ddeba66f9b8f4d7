import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BatchField, FrameField, OperationTypeCode, PlaybackStateCode } from '../src/wire.js';

/** The schema the codec writes by hand; this test fails when the codec's numbers drift from it. */
const proto = (name: string) => readFileSync(new URL(`../../../proto/media_sync/v1/${name}`, import.meta.url), 'utf8');

const camel = (snake: string) => snake.toLowerCase().replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

/** `name = number` of every field of `message` (reserved lines skipped). */
function fieldsOf(text: string, message: string): Record<string, number> {
  const body = new RegExp(`message ${message} \\{([\\s\\S]*?)\\n\\}`).exec(text)?.[1];
  if (body === undefined) throw new Error(`message ${message} not found`);
  const out: Record<string, number> = {};
  for (const line of body.split('\n')) {
    const m = /^\s*(?:repeated |optional )?[\w.]+ (\w+) = (\d+);/.exec(line);
    if (m) out[camel(m[1] as string)] = Number(m[2]);
  }
  return out;
}

/** Values of an enum, keyed by the name after the enum's prefix (OPERATION_TYPE_WATCHLIST_ADD -> watchlistAdd). */
function enumOf(text: string, name: string, prefix: string): Record<string, number> {
  const body = new RegExp(`enum ${name} \\{([\\s\\S]*?)\\n\\}`).exec(text)?.[1];
  if (body === undefined) throw new Error(`enum ${name} not found`);
  const out: Record<string, number> = {};
  for (const m of body.matchAll(new RegExp(`${prefix}(\\w+) = (\\d+);`, 'g'))) {
    if (m[1] !== 'UNSPECIFIED') out[camel(m[1] as string)] = Number(m[2]);
  }
  return out;
}

describe('field numbers and codes match proto/', () => {
  it('Frame', () => {
    expect(FrameField).toEqual(fieldsOf(proto('frame.proto'), 'Frame'));
  });
  it('Batch (seq_gaps, the field once retyped by hand as seqDeltas, included)', () => {
    expect(BatchField).toEqual(fieldsOf(proto('batch.proto'), 'Batch'));
  });
  it('OperationType and PlaybackState', () => {
    const operations = proto('operations.proto');
    expect(OperationTypeCode).toEqual(enumOf(operations, 'OperationType', 'OPERATION_TYPE_'));
    expect(PlaybackStateCode).toEqual(enumOf(operations, 'PlaybackState', 'PLAYBACK_STATE_'));
  });
  it('the parser reads a drifted schema as different (the test can fail)', () => {
    const drifted = proto('batch.proto').replace('seq_gaps = 4', 'seq_gaps = 40');
    expect(BatchField).not.toEqual(fieldsOf(drifted, 'Batch'));
  });
});
