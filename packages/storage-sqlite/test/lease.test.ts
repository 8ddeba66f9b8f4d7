import { hostname } from 'node:os';
import { join } from 'node:path';
import { createMemoryPublisher } from '@media-sync/publisher-memory';
import { createQueue } from '@media-sync/queue';
import { createSqliteStorage } from '@media-sync/storage-sqlite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { spawnFixture, watchLines } from './child.js';
import { tempDir } from './helpers.js';

let dir: string;
let cleanup: () => void;
beforeEach(() => {
  ({ dir, cleanup } = tempDir());
});
afterEach(() => cleanup());

describe('replay lease across connections and processes', () => {
  it('is held in the file: a second connection sees it, until it expires or is released', async () => {
    const path = join(dir, 'queue.db');
    const first = createSqliteStorage({ path });
    const second = createSqliteStorage({ path });
    expect(await first.acquireReplayLease('process-a', 30_000, 1_000)).toBe(true);
    expect(await second.acquireReplayLease('process-b', 30_000, 2_000)).toBe(false);
    // A crashed holder never releases; its lease lapses at 31 000.
    await first.close();
    const third = createSqliteStorage({ path });
    expect(await third.acquireReplayLease('process-c', 30_000, 30_999)).toBe(false);
    expect(await third.acquireReplayLease('process-c', 30_000, 31_000)).toBe(true);
    await third.releaseReplayLease('process-c');
    expect(await second.acquireReplayLease('process-b', 30_000, 31_001)).toBe(true);
    await second.close();
    await third.close();
  });

  it('lets exactly one of several processes into the replay section at a time', async () => {
    const path = join(dir, 'queue.db');
    // Create and migrate the file up front, so the contenders race for the lease, not the schema.
    await createSqliteStorage({ path }).close();
    const owners = ['proc-1', 'proc-2', 'proc-3'];
    const children = owners.map((owner) => spawnFixture('replay-contender.ts', [path, owner, '150']));
    const results: Array<{ owner: string; held: number; overlaps: number }> = [];
    let ready = 0;
    const exits = children.map((child) =>
      watchLines(child, (line) => {
        if (line === 'ready') {
          ready += 1;
          if (ready === children.length) for (const each of children) each.stdin?.write('go\n');
          return;
        }
        results.push(JSON.parse(line));
      }),
    );
    for (const exit of await Promise.all(exits)) expect(exit.code, exit.stderr).toBe(0);

    expect(results.map((result) => result.owner).sort()).toEqual(owners);
    expect(results.map((result) => result.overlaps)).toEqual([0, 0, 0]);
    expect(results.reduce((sum, result) => sum + result.held, 0)).toBeGreaterThan(0);
    const storage = createSqliteStorage({ path });
    expect(await storage.getMeta('replaying')).toBe('');
    // Every contender released: a newcomer gets the lease at once.
    expect(await storage.acquireReplayLease('newcomer', 1_000, Date.now())).toBe(true);
    await storage.close();
  }, 60_000);

  it('names a live holder (pid, host, expiry) in a leaseHeld report, and takes over from a killed one at once', async () => {
    const path = join(dir, 'queue.db');
    await createSqliteStorage({ path }).close();
    const child = spawnFixture('hold-lease.ts', [path]);
    let held!: () => void;
    const holding = new Promise<void>((resolve) => {
      held = resolve;
    });
    const exit = watchLines(child, (line) => {
      if (line === 'held') held();
    });
    await holding;

    const storage = createSqliteStorage({ path });
    const publisher = createMemoryPublisher();
    const queue = createQueue({ deviceId: 'phone-1', storage, publisher });
    await queue.enqueue({ type: 'watchlistAdd', userId: 'u1', contentId: 'tt1', timestamp: 1_790_000_000_000 });
    const blocked = await queue.replay();
    expect(blocked).toMatchObject({ stoppedBy: 'leaseHeld', published: 0, pending: 1 });
    expect(blocked.leaseHolder).toMatchObject({ owner: 'crashing-replayer', pid: child.pid, host: hostname() });
    expect(blocked.leaseHolder?.expiresAt).toBeGreaterThan(Date.now() + 30_000);

    child.kill('SIGKILL');
    expect((await exit).signal).toBe('SIGKILL');
    // The holder is dead and was of this host: no waiting for the minute to pass.
    expect(await queue.replay()).toMatchObject({ stoppedBy: 'drained', published: 1, pending: 0 });
    await queue.close();
    await storage.close();
  }, 60_000);
});
