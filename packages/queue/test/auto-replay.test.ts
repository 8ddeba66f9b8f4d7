import { describe, expect, it } from 'vitest';
import type { ReplayReport } from '../src/index.js';
import { distinctOps, harness, range, seqsOf, watchlistAdd } from './helpers.js';

describe('auto-replay', () => {
  it('replays when the publisher comes online, and after enqueues while online', async () => {
    const { queue, publisher } = harness({ publisher: { online: false } });
    await queue.enqueueMany(distinctOps(3));
    const stop = queue.startAutoReplay({ debounceMs: 0 });
    const first = new Promise<ReplayReport>((resolve) => queue.on('replayed', resolve));
    publisher.setConnectionState('online');
    expect((await first).published).toBe(3);
    const second = new Promise<ReplayReport>((resolve) => queue.on('replayed', resolve));
    await queue.enqueue(watchlistAdd('more'));
    expect((await second).published).toBe(1);
    expect(seqsOf(publisher.delivered)).toEqual(range(1, 4));
    stop();
    await queue.close();
  });

  it('retries on its own when the backoff expires', async () => {
    const { queue, publisher, clock } = harness({ config: { backoff: { baseMs: 1, capMs: 1, jitter: 0 } } });
    await queue.enqueueMany(distinctOps(2));
    publisher.inject({ kind: 'transient' });
    const reports: ReplayReport[] = [];
    const drained = new Promise<void>((resolve) =>
      queue.on('replayed', (report) => {
        reports.push(report);
        // The fake clock moves to the retry time the run asked for; the driver's timer does the rest.
        if (report.nextAttemptAt !== null) clock.now = report.nextAttemptAt;
        if (report.stoppedBy === 'drained' && report.published > 0) resolve();
      }),
    );
    // Nobody calls replay() by hand: the driver starts it and retries after the backoff.
    queue.startAutoReplay({ debounceMs: 0 });
    await drained;
    expect(reports[0]?.stoppedBy).toBe('transientError');
    expect(seqsOf(publisher.applied)).toEqual([1, 2]);
    await queue.close();
  });

  it('starts from config.autoReplay and stops on close', async () => {
    const { queue, publisher } = harness({ config: { autoReplay: { debounceMs: 0 } } });
    const replayed = new Promise<ReplayReport>((resolve) => queue.on('replayed', resolve));
    await queue.enqueue(watchlistAdd('a'));
    expect((await replayed).published).toBe(1);
    await queue.close();
    publisher.setConnectionState('offline');
    publisher.setConnectionState('online');
    expect(publisher.frames).toHaveLength(1);
  });
});
