import type { SequencedOperation } from '@media-sync/protocol';
import { ValidationError } from '@media-sync/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import type { FrameWriteResult } from '../src/store/contract.js';
import { SqliteGatewayStore } from '../src/store/sqlite.js';
import { UserState } from '../src/user-state.js';
import { committedResult, opsFrame, progressOp } from './store-conformance/suite.js';

const stores: SqliteGatewayStore[] = [];
afterEach(async () => {
  for (const store of stores.splice(0)) await store.close();
});

function open(): SqliteGatewayStore {
  const store = new SqliteGatewayStore(':memory:');
  stores.push(store);
  return store;
}

/** An op §2 refuses (a content id over 256 UTF-8 bytes) that the store logs as given. */
function oversized(seq: number): SequencedOperation {
  const entry = progressOp('u', 'tv', seq);
  return { ...entry, op: { ...entry.op, contentId: 'x'.repeat(300) } as SequencedOperation['op'] };
}

describe('UserState merges', () => {
  it('merges ops known valid without validating them, and validates any other frame and the store’s log', async () => {
    const store = open();
    const user = await UserState.load(store, 'u');
    const valid = committedResult((await store.writeFrames([opsFrame('u', 'tv', 1, 2)], []))[0]);
    expect(user.committed(store, valid, { loggedAreValid: true })).toBeUndefined();
    expect(user.head).toBe(2);
    expect(user.replica.getProgress('u', 'title-2')?.positionMs).toBe(2000);

    const bad = { ...opsFrame('u', 'tv', 3, 3), stateOps: [oversized(3)] };
    const logged: FrameWriteResult = committedResult((await store.writeFrames([bad], []))[0]);
    // Not known valid: validated, refused, nothing merged.
    expect(() => user.committed(store, logged, { loggedAreValid: false })).toThrow(ValidationError);
    expect(user.head).toBe(2);
    // Read back from the store (a reload, another writer's ops): validated too.
    await expect(UserState.load(store, 'u')).rejects.toBeInstanceOf(ValidationError);
    // Declared valid, it is taken as it is: the flag is the only thing that skips the check.
    user.committed(store, logged, { loggedAreValid: true });
    expect(user.head).toBe(3);
    expect(user.replica.getProgress('u', 'x'.repeat(300))?.positionMs).toBe(3000);
  });
});
