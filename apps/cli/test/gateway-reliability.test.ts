import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SequencedOperation } from '@media-sync/protocol';
import { parseTraceLine, type SyncOperation } from '@media-sync/protocol';
import { createWebSocketPublisher } from '@media-sync/publisher-websocket';
import { createQueue, type ReplayReport } from '@media-sync/queue';
import { createReplica } from '@media-sync/state';
import { createSqliteStorage } from '@media-sync/storage-sqlite';
import { createToken, startSyncServer } from '@media-sync/sync-server';
import { afterEach, describe, expect, it } from 'vitest';
import { generateTrace } from '../src/trace-generator.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const CLI = fileURLToPath(new URL('./fixtures/cli.ts', import.meta.url));
const SECRET = 'reliability-secret';

/** `media-sync serve` in a child process; resolves with it and its URL once it listens. */
function serve(db: string, port: number): Promise<{ child: ChildProcessWithoutNullStreams; url: string }> {
  const child = spawn(
    process.execPath,
    [
      '--conditions=@media-sync/source',
      '--import',
      'tsx',
      CLI,
      'serve',
      '--port',
      String(port),
      '--secret',
      SECRET,
      '--db',
      db,
    ],
    { stdio: 'pipe' },
  );
  cleanups.push(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('\n')) resolve({ child, url: out.split('\n')[0] ?? '' });
    });
    child.on('exit', (code) => reject(new Error(`serve exited with ${code} before listening`)));
  });
}

function exited(child: ChildProcessWithoutNullStreams): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

describe('queue → WebSocket → gateway under SIGKILL (§12)', () => {
  it('ends equal to a clean run when the gateway process is killed twice mid-replay', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'media-sync-kill-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const gatewayDb = join(dir, 'gateway.db');
    const entries = generateTrace({ seed: 7, ops: 4000 }).map((line) => parseTraceLine(line));
    const deviceId = entries[0]?.deviceId ?? 'device-1';
    const ops: SyncOperation[] = entries.filter((entry) => entry.deviceId === deviceId).map((entry) => entry.op);
    const userId =
      ops.find((op): op is Exclude<SyncOperation, { type: 'deviceCommand' }> => 'userId' in op)?.userId ?? 'u';

    let { child, url } = await serve(gatewayDb, 0);
    const port = Number(new URL(url).port);
    const storage = createSqliteStorage({ path: join(dir, 'device.db') });
    const publisher = createWebSocketPublisher({
      url,
      token: await createToken({ secret: SECRET, userId, deviceId }),
      ackTimeoutMs: 3000,
      connectTimeoutMs: 3000,
      backoff: { initialMs: 20, maxMs: 200 },
    });
    const queue = createQueue({
      deviceId,
      userId,
      storage,
      publisher,
      config: { coalesceProgress: false, maxBatchOps: 40, backoff: { baseMs: 1, capMs: 5 } },
    });
    cleanups.push(async () => {
      await queue.close();
      await publisher.close();
      await storage.close();
    });
    let offline = 0;
    publisher.onConnectionState((state) => {
      if (state === 'offline') offline += 1;
    });
    const sequenced: SequencedOperation[] = [];
    queue.on('enqueued', (event) => sequenced.push(...event.ops));
    for (let i = 0; i < ops.length; i += 500) await queue.enqueueMany(ops.slice(i, i + 500));

    let kills = 0;
    let framesAcked = 0;
    let restarted: Promise<void> = Promise.resolve();
    // Kill the gateway right after the 3rd and the 20th acked frame, while frames keep going out.
    queue.on('framePublished', () => {
      framesAcked += 1;
      if (framesAcked !== 3 && framesAcked !== 20) return;
      kills += 1;
      const dying = child;
      dying.kill('SIGKILL');
      restarted = exited(dying)
        .then(() => serve(gatewayDb, port))
        .then((next) => {
          child = next.child;
        });
    });
    const reports: ReplayReport[] = [];
    for (let run = 0; run < 20; run += 1) {
      await restarted;
      const report = await queue.replay({ force: true });
      reports.push(report);
      if (report.stoppedBy === 'drained' && (await queue.pending()) === 0) break;
      expect(['transientError', 'backoff']).toContain(report.stoppedBy);
    }
    await restarted;
    expect(kills).toBe(2);
    expect(offline).toBeGreaterThanOrEqual(2);
    expect(reports.at(-1)?.stoppedBy).toBe('drained');
    expect(await queue.pending()).toBe(0);
    expect((await queue.status()).deadLettered).toBe(0);
    child.kill('SIGTERM');
    await exited(child);

    const check = await startSyncServer({ secret: SECRET, dbPath: gatewayDb });
    cleanups.push(() => check.close());
    const clean = createReplica({ userId });
    const stateOps = sequenced.filter((entry) => entry.op.type !== 'deviceCommand');
    clean.applyAll(stateOps);
    expect(await check.stateOf(userId)).toEqual({
      progress: clean.progress(),
      watchlist: clean.watchlist({ includeTombstones: true }),
    });
    // Every state op logged exactly once: none lost, none applied twice.
    expect(await check.headOf(userId)).toBe(stateOps.length);
  }, 90_000);

  it("replays on its own when the publisher comes online (the queue's auto-replay driver)", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'media-sync-auto-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    // Learn a free port, then leave it empty: the device starts offline.
    const probe = await startSyncServer({ secret: SECRET });
    const { port, url } = probe;
    await probe.close();
    const userId = 'u-auto';
    const storage = createSqliteStorage({ path: join(dir, 'device.db') });
    const publisher = createWebSocketPublisher({
      url,
      token: await createToken({ secret: SECRET, userId, deviceId: 'phone' }),
      backoff: { initialMs: 10, maxMs: 50 },
    });
    const queue = createQueue({ deviceId: 'phone', userId, storage, publisher });
    const stop = queue.startAutoReplay({ debounceMs: 1 });
    cleanups.push(async () => {
      stop();
      await queue.close();
      await publisher.close();
      await storage.close();
    });
    await queue.enqueueMany(
      Array.from({ length: 50 }, (_, i) => ({
        type: 'watchlistAdd' as const,
        userId,
        contentId: `tt${i}`,
        timestamp: Date.now(),
      })),
    );
    expect(publisher.connectionState).toBe('offline');
    expect(await queue.pending()).toBe(50);

    const server = await startSyncServer({ secret: SECRET, port, dbPath: join(dir, 'gateway.db') });
    cleanups.push(() => server.close());
    const drained = new Promise<void>((resolve) =>
      queue.on('replayed', (report) => {
        if (report.pending === 0) resolve();
      }),
    );
    await drained;
    expect(await server.headOf(userId)).toBe(50);
  }, 30_000);
});
