import type { StorageAdapter } from '@media-sync/queue';
import { describe, expect, it } from 'vitest';
import { type ConformanceCase, describeStorageConformance, storageConformanceCases } from '../src/index.js';
import { createFixtureStorage, type FixtureBacking, newBacking } from './fixture.js';

// The suite passes on a correct adapter, volatile and durable...
describeStorageConformance({ name: 'fixture', setup: () => createFixtureStorage() });

const backings = new WeakMap<StorageAdapter, FixtureBacking>();
describeStorageConformance({
  name: 'durable fixture',
  setup: () => {
    const backing = newBacking();
    const storage = createFixtureStorage(backing, true);
    backings.set(storage, backing);
    return storage;
  },
  reopen: async (storage) => {
    const backing = backings.get(storage) as FixtureBacking;
    await storage.close();
    const reopened = createFixtureStorage(backing, true);
    backings.set(reopened, backing);
    return reopened;
  },
  openPeer: (storage, process) => createFixtureStorage(backings.get(storage), true, process),
});

// ...and each case fails on an adapter with the bug it is there to catch.
function caseNamed(name: string): ConformanceCase {
  const found = storageConformanceCases.find((testCase) => testCase.name.startsWith(name));
  if (!found) throw new Error(`no conformance case named ${name}`);
  return found;
}

type Mutant = (base: StorageAdapter) => StorageAdapter;

const mutants: Array<{ bug: string; caseName: string; mutate: Mutant; durable?: boolean }> = [
  {
    bug: 'readPage ignores afterSeq',
    caseName: 'reads pages after a seq',
    mutate: (base) => ({ ...base, readPage: (_after, limit) => base.readPage(0, limit) }),
  },
  {
    bug: 'append keeps a reference to the caller’s body',
    caseName: 'copies the body',
    mutate: (base) => {
      const bodies = new Map<number, Uint8Array>();
      return {
        ...base,
        append: async (records, meta) => {
          const result = await base.append(records, meta);
          result.seqs.forEach((seq, i) => {
            bodies.set(seq, records[i]?.body as Uint8Array);
          });
          return result;
        },
        readPage: async (after, limit) =>
          (await base.readPage(after, limit)).map((record) => ({
            ...record,
            body: bodies.get(record.seq) ?? record.body,
          })),
      };
    },
  },
  {
    bug: 'body bytes are round-tripped through text',
    caseName: 'stores every field and the exact body bytes',
    mutate: (base) => ({
      ...base,
      readPage: async (after, limit) =>
        (await base.readPage(after, limit)).map((record) => ({
          ...record,
          body: new TextEncoder().encode(new TextDecoder().decode(record.body)),
        })),
    }),
  },
  {
    bug: 'the next seq is derived from the highest pending row',
    caseName: 'never reuses a seq',
    mutate: (base) => {
      let offset = 0;
      return {
        ...base,
        append: async (records, meta) => {
          const counts = await base.counts();
          const page = await base.readPage(0, Number.MAX_SAFE_INTEGER);
          const dead = await base.listDeadLetters();
          const highest = Math.max(0, ...page.map((r) => r.seq), ...dead.map((r) => r.seq));
          offset = counts.lastSeq - highest;
          const result = await base.append(records, meta);
          return { seqs: result.seqs.map((seq) => seq - offset) };
        },
      };
    },
  },
  {
    bug: 'deleteRange excludes toSeq',
    caseName: 'deletes an inclusive seq range',
    mutate: (base) => ({ ...base, deleteRange: (from, to) => base.deleteRange(from, to - 1) }),
  },
  {
    bug: 'requeue keeps the attempt count',
    caseName: 'requeues dead letters',
    mutate: (base) => ({
      ...base,
      requeueDeadLetters: async (seqs) => {
        const attempts = new Map((await base.listDeadLetters()).map((r) => [r.seq, r.attempts]));
        const moved = await base.requeueDeadLetters(seqs);
        for (const [seq, count] of attempts) {
          for (let i = 0; i < count; i++) await base.recordAttempt([seq], 'kept', 0);
        }
        return moved;
      },
    }),
  },
  {
    bug: 'the lease is still held at its expiry instant',
    caseName: 'one owner at a time',
    mutate: (base) => ({
      ...base,
      acquireReplayLease: (owner, ttlMs, now) => base.acquireReplayLease(owner, ttlMs + 1, now),
    }),
  },
  {
    bug: 'the summary counts a requeued dead letter',
    caseName: 'summarizes dead letters per reason code',
    mutate: (base) => {
      const requeued = new Set<number>();
      return {
        ...base,
        requeueDeadLetters: async (seqs) => {
          for (const seq of seqs ?? []) requeued.add(seq);
          return base.requeueDeadLetters(seqs);
        },
        deadLetterSummary: async () =>
          (await base.deadLetterSummary()).map((entry) =>
            entry.code === 'REJECTED' ? { ...entry, count: entry.count + requeued.size } : entry,
          ),
      };
    },
  },
  {
    bug: 'the lease does not record its expiry',
    caseName: 'records who holds the lease',
    mutate: (base) => ({
      ...base,
      replayLeaseHolder: async () => {
        const holder = await base.replayLeaseHolder();
        return holder === null ? null : { ...holder, expiresAt: 0 };
      },
    }),
  },
  {
    bug: 'calls after close still work',
    caseName: 'every call after close',
    mutate: (base) => ({ ...base, close: async () => undefined }),
  },
  {
    bug: 'a durable store forgets its meta on reopen',
    caseName: 'a reopened durable store',
    durable: true,
    mutate: (base) => base,
  },
];

describe('the lease takeover case', () => {
  const openPeerWith =
    (backing: FixtureBacking, mutate: (peer: StorageAdapter) => StorageAdapter) =>
    async (process: Parameters<typeof createFixtureStorage>[2]) =>
      mutate(createFixtureStorage(backing, true, process));
  const takeover = caseNamed('a lease held by a dead process');

  it('fails when a dead holder of ANOTHER host is taken over', async () => {
    const backing = newBacking();
    const ignoreHost = (peer: StorageAdapter): StorageAdapter => ({
      ...peer,
      acquireReplayLease: async (owner, ttlMs, now) => {
        const holder = await peer.replayLeaseHolder();
        if (holder !== null && holder.owner !== owner) await peer.releaseReplayLease(holder.owner);
        return peer.acquireReplayLease(owner, ttlMs, now);
      },
    });
    const storage = createFixtureStorage(backing, true);
    await expect(
      takeover.run({ storage, reopen: undefined, openPeer: openPeerWith(backing, ignoreHost) }),
    ).rejects.toThrow();
  });

  it('fails when a dead holder of this host still blocks until expiry', async () => {
    const backing = newBacking();
    const neverTakeOver = (peer: StorageAdapter): StorageAdapter => peer;
    const storage = createFixtureStorage(backing, true);
    const blind = async (process: Parameters<typeof createFixtureStorage>[2]) =>
      neverTakeOver(createFixtureStorage(backing, true, process && { ...process, isAlive: () => true }));
    await expect(takeover.run({ storage, reopen: undefined, openPeer: blind })).rejects.toThrow();
  });

  it('passes on the fixture, and a shared store without openPeer fails it', async () => {
    const backing = newBacking();
    const storage = createFixtureStorage(backing, true);
    await takeover.run({ storage, reopen: undefined, openPeer: openPeerWith(backing, (peer) => peer) });
    const crossProcess: StorageAdapter = {
      ...createFixtureStorage(),
      capabilities: { durable: true, crossProcessLease: true },
    };
    await expect(takeover.run({ storage: crossProcess, reopen: undefined, openPeer: undefined })).rejects.toThrow();
  });
});

describe('the suite catches broken adapters', () => {
  for (const { bug, caseName, mutate, durable } of mutants) {
    it(`fails when ${bug}`, async () => {
      const backing = newBacking();
      const storage = mutate(createFixtureStorage(backing, durable ?? false));
      const reopen = async () => {
        await storage.close();
        // The bug: a fresh backing keeps rows but loses the meta map.
        return createFixtureStorage({ ...backing, meta: new Map() }, true);
      };
      await expect(
        caseNamed(caseName).run({ storage, reopen: durable ? reopen : undefined, openPeer: undefined }),
      ).rejects.toThrow();
    });
  }

  it('the same cases pass on the unmutated fixture', async () => {
    for (const { caseName, durable } of mutants) {
      const backing = newBacking();
      const storage = createFixtureStorage(backing, durable ?? false);
      const reopen = async () => {
        await storage.close();
        return createFixtureStorage(backing, true);
      };
      await caseNamed(caseName).run({ storage, reopen: durable ? reopen : undefined, openPeer: undefined });
    }
  });

  it('a durable adapter that offers no reopen fails the durability case', async () => {
    const storage = createFixtureStorage(newBacking(), true);
    await expect(
      caseNamed('a reopened durable store').run({ storage, reopen: undefined, openPeer: undefined }),
    ).rejects.toThrow();
  });
});
