import { startFaultProxy } from '@media-sync/publisher-conformance';
import pg from 'pg';
import { describe, expect, inject, it, vi } from 'vitest';
import type { FrameWrite } from '../src/store/contract.js';
import { PostgresGatewayStore } from '../src/store/postgres.js';
import { deferCleanup } from './helpers.js';
import { dropSchema, uniqueSchema } from './store-conformance/postgres.js';
import { commandEntry, committedResult, opsFrame, wholeLog } from './store-conformance/suite.js';

const url = inject('postgresUrl');

async function openStore(options: { via?: string; connectTimeoutMs?: number } = {}) {
  const schema = uniqueSchema('msgw_groups');
  deferCleanup(() => dropSchema(url as string, schema));
  const store = await PostgresGatewayStore.open({
    url: options.via ?? (url as string),
    schema,
    ...(options.connectTimeoutMs === undefined ? {} : { connectTimeoutMs: options.connectTimeoutMs }),
  });
  deferCleanup(() => store.close());
  return { store, schema };
}

/** How many transactions wrote the rows of a table of the schema (their distinct `xmin`). */
async function writers(schema: string, table: string): Promise<number> {
  const client = new pg.Client({ connectionString: url as string });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: number }>(
      `SELECT count(DISTINCT xmin::text)::int AS n FROM "${schema}".${table}`,
    );
    return rows[0]?.n ?? 0;
  } finally {
    await client.end();
  }
}

describe.skipIf(url === undefined)('PostgreSQL store: a group of frames per transaction', () => {
  it('writes a frame PostgreSQL refuses on its own: it fails alone, the rest of the group commits', async () => {
    const { store } = await openStore();
    // A NUL is no valid PostgreSQL text: the command's target column refuses it (22021).
    const refused: FrameWrite = {
      userId: 'ann',
      deviceId: 'phone',
      stateOps: [],
      commands: [
        { entry: commandEntry('phone', 1, 'tv\u0000'), targetDeviceId: 'tv\u0000', expiresAt: Date.now() + 60_000 },
      ],
      rejected: [],
      settled: [{ first: 1, last: 1 }],
    };
    const outcomes = await store.writeFrames([opsFrame('ann', 'tv', 1, 2), refused, opsFrame('bob', 'tv', 1, 3)], []);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(committedResult(outcomes[2])).toMatchObject({ previousHead: 0, headLogSeq: 3 });
    expect((await wholeLog(store, 'ann')).map((row) => row.entry.seq)).toEqual([1, 2]);
    expect(await store.head('bob')).toBe(3);
    // Nothing of the refused frame stayed: its seq is not settled, so its re-send is written.
    expect(await store.settledIn('ann', 'phone', 1, 1)).toEqual([]);
  });

  it('commits a group of many users in one transaction', async () => {
    const { store, schema } = await openStore();
    const frames = Array.from({ length: 40 }, (_, i) => opsFrame(`user-${i}`, i % 2 === 0 ? 'tv' : 'phone', 1, 2));
    const outcomes = await store.writeFrames(frames, []);
    expect(outcomes.map((outcome) => committedResult(outcome).headLogSeq)).toEqual(frames.map(() => 2));
    expect(await writers(schema, 'oplog')).toBe(1);
    expect(await writers(schema, 'settled_ranges')).toBe(1);
    expect(await writers(schema, 'user_heads')).toBe(1);
  });

  it('sends the reads of one turn of the event loop as one statement per kind, each answered as alone', async () => {
    const { store } = await openStore();
    const users = Array.from({ length: 30 }, (_, i) => `user-${i}`);
    // User i has i + 1 ops of device tv, and a snapshot when i is even.
    await store.writeFrames(
      users.map((userId, i) => opsFrame(userId, 'tv', 1, i + 1)),
      users.filter((_, i) => i % 2 === 0).map((userId) => ({ userId, logSeq: 1, state: () => `{"of":"${userId}"}` })),
    );
    const alone = [];
    for (const userId of users) {
      alone.push([
        await store.settledIn(userId, 'tv', 2, 5),
        await store.logAfter(userId, 1, 3),
        await store.snapshot(userId),
        await store.storedBytes(userId, 'tv'),
      ]);
    }
    const queries = vi.spyOn(pg.Pool.prototype, 'query');
    deferCleanup(() => queries.mockRestore());
    const together = await Promise.all(
      users.map((userId) =>
        Promise.all([
          store.settledIn(userId, 'tv', 2, 5),
          store.logAfter(userId, 1, 3),
          store.snapshot(userId),
          store.storedBytes(userId, 'tv'),
        ]),
      ),
    );
    expect(together).toEqual(alone);
    expect(queries).toHaveBeenCalledTimes(4);
    expect(together[0]).toEqual([[], [], { logSeq: 1, state: '{"of":"user-0"}' }, expect.any(Number)]);
    expect(together[9]?.[0]).toEqual([{ first: 2, last: 5 }]);
    expect(together[9]?.[1]?.map((row) => row.logSeq)).toEqual([2, 3, 4]);
  });

  it('never deadlocks: groups of the same users in opposite orders, from two stores at once', async () => {
    const { store, schema } = await openStore();
    const peer = await PostgresGatewayStore.open({ url: url as string, schema });
    deferCleanup(() => peer.close());
    // The store retries a deadlock, which would hide one: every failed statement is watched.
    const deadlocks: unknown[] = [];
    const query = pg.Client.prototype.query;
    const watched = vi.spyOn(pg.Client.prototype, 'query').mockImplementation(function (
      this: pg.Client,
      ...args: unknown[]
    ) {
      const result = (query as (...a: unknown[]) => unknown).apply(this, args);
      if (result instanceof Promise) {
        result.catch((error: { code?: unknown }) => {
          if (error?.code === '40P01') deadlocks.push(error);
        });
      }
      return result as never;
    });
    deferCleanup(() => watched.mockRestore());
    const users = Array.from({ length: 12 }, (_, i) => `user-${i}`);
    const rounds = 15;
    const writers = [store, peer, store, peer].map(async (target, w) => {
      for (let round = 0; round < rounds; round++) {
        // Half the writers name the users upwards, half downwards.
        const order = w % 2 === 0 ? users : [...users].reverse();
        const outcomes = await target.writeFrames(
          order.map((userId) => opsFrame(userId, `device-${w}`, round + 1, round + 1)),
          [],
        );
        for (const outcome of outcomes) committedResult(outcome);
      }
    });
    await Promise.all(writers);
    expect(deadlocks).toEqual([]);
    for (const userId of users) {
      expect((await wholeLog(store, userId)).map((row) => row.logSeq)).toEqual(
        Array.from({ length: 4 * rounds }, (_, i) => i + 1),
      );
    }
  }, 60_000);

  it('fails the whole group at once while the server is unreachable, and writes it once it is back', async () => {
    const target = new URL(url as string);
    const proxy = await startFaultProxy({ host: target.hostname, port: Number(target.port || 5432) });
    deferCleanup(() => proxy.close());
    const via = new URL(url as string);
    via.host = `127.0.0.1:${proxy.endpoint.port}`;
    const { store } = await openStore({ via: via.toString(), connectTimeoutMs: 2_000 });
    const frames = [opsFrame('ann', 'tv', 1, 2), opsFrame('bob', 'tv', 1, 1), opsFrame('cy', 'web', 1, 1)];
    await proxy.down();
    const started = Date.now();
    const outcomes = await store.writeFrames(frames, []);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['rejected', 'rejected', 'rejected']);
    // One failed connect for the group, not one per frame after it.
    expect(Date.now() - started).toBeLessThan(2_000 * 2);
    await proxy.up();
    const again = await store.writeFrames(frames, []);
    expect(again.map((outcome) => committedResult(outcome).headLogSeq)).toEqual([2, 1, 1]);
  }, 30_000);
});
