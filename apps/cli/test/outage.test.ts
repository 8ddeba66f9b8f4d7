import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createWebSocketPublisher } from '@media-sync/publisher-websocket';
import { createQueue, type Publisher, type ReplayReport } from '@media-sync/queue';
import { createSqliteStorage } from '@media-sync/storage-sqlite';
import { createToken, startSyncServer } from '@media-sync/sync-server';
import { afterEach, describe, expect, it } from 'vitest';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const CLI = fileURLToPath(new URL('./fixtures/cli.ts', import.meta.url));
const SECRET = 'outage-secret';
const USER = 'u-outage';
const DEVICE = 'phone';

/** `media-sync serve` in a child process on `port`; resolves once it listens. */
function serve(db: string, port: number): Promise<ChildProcessWithoutNullStreams> {
  const child = spawn(
    process.execPath,
    ['--conditions=@media-sync/source', '--import', 'tsx', CLI, 'serve', '--port', String(port), '--db', db],
    { stdio: 'pipe', env: { ...process.env, MEDIA_SYNC_SECRET: SECRET } },
  );
  cleanups.push(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('\n')) resolve(child);
    });
    child.on('exit', (code) => reject(new Error(`serve exited with ${code} before listening`)));
  });
}

function killed(child: ChildProcessWithoutNullStreams): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

function online(publisher: Publisher): Promise<void> {
  if (publisher.connectionState === 'online') return Promise.resolve();
  return new Promise((resolve) => {
    const off = publisher.onConnectionState((state) => {
      if (state !== 'online') return;
      off();
      resolve();
    });
  });
}

describe('an outage never costs data (§6, §12)', () => {
  it('20 replays into a closed port and a crash-looping gateway dead-letter nothing; one live replay drains all', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'media-sync-outage-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    // Learn a free port, then leave it empty: nothing listens there.
    const probe = await startSyncServer({ secret: SECRET });
    const { port, url } = probe;
    await probe.close();

    const storage = createSqliteStorage({ path: join(dir, 'device.db') });
    const websocket = createWebSocketPublisher({
      url,
      token: await createToken({ secret: SECRET, userId: USER, deviceId: DEVICE }),
      connectTimeoutMs: 1_500,
      ackTimeoutMs: 3_000,
      backoff: { initialMs: 20, maxMs: 100 },
    });
    // The crash loop: a real gateway process that freezes as a frame comes (SIGSTOP: it reads
    // and acknowledges nothing) and dies once the frame is on its socket (SIGKILL).
    let gateway: ChildProcessWithoutNullStreams | undefined;
    const publisher: Publisher = {
      ...websocket,
      get connectionState() {
        return websocket.connectionState;
      },
      get maxFrameBytes() {
        return websocket.maxFrameBytes;
      },
      async publish(frame, options) {
        const crashing = gateway;
        gateway = undefined;
        if (crashing === undefined) return websocket.publish(frame, options);
        crashing.kill('SIGSTOP');
        const sent = websocket.publish(frame, options);
        // Once the microtasks of the publish have run, the frame has been written.
        await new Promise((resolve) => setImmediate(resolve));
        await killed(crashing);
        return sent;
      },
    };
    const queue = createQueue({ deviceId: DEVICE, userId: USER, storage, publisher, config: { maxBatchOps: 25 } });
    cleanups.push(async () => {
      await queue.close();
      await websocket.close();
      await storage.close();
    });
    const ops = Array.from({ length: 60 }, (_, i) => ({
      type: 'watchlistAdd' as const,
      userId: USER,
      contentId: `tt${String(i).padStart(7, '0')}`,
      timestamp: Date.now() + i,
    }));
    await queue.enqueueMany(ops);

    const reports: ReplayReport[] = [];
    for (let run = 0; run < 20; run += 1) {
      if (run % 2 === 1) {
        gateway = await serve(join(dir, 'gateway.db'), port);
        // The device reaches it (HELLO) before the frame goes out.
        await online(websocket);
      }
      const report = await queue.replay({ force: true });
      reports.push(report);
      expect(report, `run ${run}`).toMatchObject({ published: 0, deadLettered: 0, pending: 60 });
      expect(['transientError', 'backoff']).toContain(report.stoppedBy);
    }
    expect(reports.map((report) => report.error?.code)).toContain('UNAVAILABLE');
    expect(reports.filter((report) => report.error?.code === 'DISCONNECTED').length).toBeGreaterThan(0);
    expect(await queue.status()).toMatchObject({ pending: 60, deadLettered: 0 });
    expect((await storage.readPage(0, 100)).every((row) => row.attempts === 0)).toBe(true);

    const live = await startSyncServer({ secret: SECRET, port, dbPath: join(dir, 'live.db') });
    cleanups.push(() => live.close());
    const drained = await queue.replay({ force: true });
    expect(drained).toMatchObject({ stoppedBy: 'drained', published: 60, deadLettered: 0, pending: 0 });
    expect(await live.headOf(USER)).toBe(60);
    console.log(
      `outage: ${reports.length} failed replays (${reports.map((report) => report.error?.code ?? report.stoppedBy).join(', ')}), ` +
        `0 dead letters, 60 pending; then 1 replay published ${drained.published} in ${drained.frames} frames`,
    );
  }, 240_000);
});
