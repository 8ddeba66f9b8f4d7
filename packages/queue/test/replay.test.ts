import { createCodec } from '@media-sync/codec';
import type { SequencedOperation } from '@media-sync/protocol';
import { createMemoryPublisher } from '@media-sync/publisher-memory';
import { createMemoryStorage } from '@media-sync/storage-memory';
import { describe, expect, it } from 'vitest';
import { createQueue, type FramePublishedEvent, type ReplayProgress, type ReplayReport } from '../src/index.js';
import {
  command,
  DEVICE,
  distinctOps,
  harness,
  progress,
  range,
  seqsOf,
  spyOn,
  T0,
  USER,
  watchlistAdd,
} from './helpers.js';

function expectInOrderOnce(delivered: readonly SequencedOperation[], expected: readonly number[]): void {
  expect(seqsOf(delivered)).toEqual(expected);
}

describe('replay', () => {
  it('drains the queue in seq order, deletes what was acknowledged, and reports ops', async () => {
    const { queue, publisher, storage } = harness({ config: { maxBatchOps: 4 } });
    const enqueued = await queue.enqueueMany(distinctOps(10));
    const report = await queue.replay();
    expect(publisher.delivered).toEqual(enqueued);
    expect(publisher.frames.map((frame) => frame.ops.length)).toEqual([4, 4, 2]);
    expect(report).toMatchObject({
      published: 10,
      coalesced: 0,
      expired: 0,
      deadLettered: 0,
      pending: 0,
      frames: 3,
      stoppedBy: 'drained',
      nextAttemptAt: null,
      error: null,
    });
    const wire = publisher.frames.reduce((sum, frame) => sum + frame.bytes.length, 0);
    expect(report.bytes.bytesWire).toBe(wire);
    expect(report.bytes.bytesJson).toBeGreaterThan(wire);
    expect(report.bytes.compressionRatio).toBeCloseTo(wire / report.bytes.bytesJson, 10);
    expect(report.bytes.savingsPercent).toBeCloseTo(100 * (1 - wire / report.bytes.bytesJson), 10);
    expect(await storage.counts()).toMatchObject({ pending: 0, deadLettered: 0, lastSeq: 10 });
    expect(queue.metrics()).toMatchObject({ published: 10, frames: 3, replays: 1, bytesWire: wire });
    expect(await queue.replay()).toMatchObject({ published: 0, frames: 0, stoppedBy: 'drained' });
  });

  it('deletes nothing before its ack: a held ack keeps the frame’s ops pending', async () => {
    const { queue, publisher, storage } = harness({ config: { maxBatchOps: 5 } });
    await queue.enqueueMany(distinctOps(10));
    publisher.inject({ kind: 'lateAck' });
    const run = queue.replay();
    // The frame is accepted, its ack held back: storage must still hold every op.
    await publisher.waitForHeldAcks(1);
    expect((await storage.counts()).pending).toBe(10);
    publisher.releaseAcks();
    expect((await run).published).toBe(10);
    expect((await storage.counts()).pending).toBe(0);
  });

  it('only ever deletes seqs that were acknowledged, coalesced or expired', async () => {
    const acknowledged = new Set<number>();
    const spy = spyOn(createMemoryStorage());
    const { queue, publisher, clock } = harness({ storage: spy.storage, userId: USER, config: { maxBatchOps: 3 } });
    await queue.enqueueMany([
      ...distinctOps(4),
      progress('c', 1_000),
      command('gone', T0 - 400_000),
      progress('c', 2_000),
      ...distinctOps(3, 10),
    ]);
    publisher.inject({ kind: 'transient' }, { kind: 'dropConnection', delivered: true });
    const frames: FramePublishedEvent[] = [];
    queue.on('framePublished', (frame) => {
      frames.push(frame);
      for (let seq = frame.firstSeq; seq <= frame.lastSeq; seq++) acknowledged.add(seq);
    });
    await queue.replay();
    clock.now += 10_000;
    await queue.replay();
    publisher.setConnectionState('online');
    clock.now += 10_000;
    const last = await queue.replay();
    expect(last.stoppedBy).toBe('drained');
    expect(await queue.pending()).toBe(0);
    // Seqs 5 (superseded progress) and 6 (expired command) may go without an ack; nothing else.
    for (const call of spy.calls.filter((c) => c.method === 'deleteRange')) {
      const [from, to] = call.args as [number, number];
      for (let seq = Math.max(from, 1); seq <= Math.min(to, 10); seq++) {
        expect(acknowledged.has(seq) || seq === 5 || seq === 6, `seq ${seq} deleted without an ack`).toBe(true);
      }
    }
    expect(seqsOf(publisher.applied)).toEqual([1, 2, 3, 4, 7, 8, 9, 10]);
  });

  it('a dead letter requeued by another process mid-replay is never deleted unsent', async () => {
    const { queue, publisher, storage } = harness({ config: { maxBatchOps: 2 } });
    await queue.enqueueMany(distinctOps(3));
    publisher.rejectSeqs([2]);
    await queue.replay();
    expect((await queue.deadLetters()).map((letter) => letter.seq)).toEqual([2]);
    publisher.clearRejections();
    await queue.enqueueMany(distinctOps(5, 3));
    publisher.inject({ kind: 'lateAck' });
    const run = queue.replay();
    await publisher.waitForHeldAcks(1);
    // Another process (straight to storage, no queue in between) puts seq 2 back meanwhile.
    expect(await storage.requeueDeadLetters([2])).toBe(1);
    publisher.releaseAcks();
    expect(await run).toMatchObject({ published: 5, pending: 1 });
    expect((await storage.readPage(0, 10)).map((row) => row.seq)).toEqual([2]);
    expect(await queue.replay()).toMatchObject({ published: 1, pending: 0 });
    expect(seqsOf(publisher.applied)).toEqual([1, 3, 4, 5, 6, 7, 8, 2]);
  });

  it('dead-letters a row that does not decode and goes on with the rest', async () => {
    const { queue, publisher, storage } = harness();
    await queue.enqueueMany(distinctOps(2));
    await storage.append([
      {
        hlc: 'not an hlc',
        type: 'watchlistAdd',
        coalesceKey: null,
        expiresAt: null,
        body: Uint8Array.of(0xff, 0x00, 0x7b),
        enqueuedAt: T0,
      },
      {
        hlc: '01a0c3f1e2d4-0000-phone-1',
        type: 'watchlistAdd',
        coalesceKey: null,
        expiresAt: null,
        body: new TextEncoder().encode('{"type":"watchlistAdd","userId":""}'),
        enqueuedAt: T0,
      },
    ]);
    await queue.enqueueMany(distinctOps(2, 2));
    const dead: number[][] = [];
    queue.on('deadLettered', ({ seqs, reasonCode }) => {
      if (reasonCode === 'UNDECODABLE') dead.push([...seqs]);
    });
    const report = await queue.replay();
    expect(report).toMatchObject({ published: 4, deadLettered: 2, pending: 0, stoppedBy: 'drained' });
    expectInOrderOnce(publisher.delivered, [1, 2, 5, 6]);
    expect(dead).toEqual([[3], [4]]);
    const letters = await queue.deadLetters();
    expect(letters.map((letter) => [letter.seq, letter.reasonCode, letter.op])).toEqual([
      [3, 'UNDECODABLE', null],
      [4, 'UNDECODABLE', null],
    ]);
    expect(letters[0]?.reason).toMatch(/^body does not decode/);
  });

  it('two concurrent replays of one queue share one run', async () => {
    const { queue, publisher } = harness({ config: { maxBatchOps: 2 } });
    await queue.enqueueMany(distinctOps(9));
    const progressSeen: ReplayProgress[] = [];
    const first = queue.replay();
    const second = queue.replay({ onProgress: (p) => progressSeen.push(p) });
    const [a, b] = await Promise.all([first, second]);
    expect(a).toBe(b);
    expect(a.published).toBe(9);
    expectInOrderOnce(publisher.delivered, range(1, 9));
    expect(progressSeen.map((p) => p.published)).toEqual([2, 4, 6, 8, 9]);
  });

  it('two queues over one store (two processes) never replay at once: each op is published once', async () => {
    const storage = createMemoryStorage();
    const publisher = createMemoryPublisher();
    const make = () => createQueue({ deviceId: DEVICE, storage, publisher, config: { maxBatchOps: 3 } });
    const one = make();
    const two = make();
    await one.enqueueMany(distinctOps(20));
    publisher.inject({ kind: 'lateAck' });
    const runOne = one.replay();
    await publisher.waitForFrames(1);
    const runTwo = await two.replay();
    expect(runTwo).toMatchObject({ stoppedBy: 'leaseHeld', published: 0 });
    publisher.releaseAcks();
    expect((await runOne).published).toBe(20);
    expect(await two.replay()).toMatchObject({ stoppedBy: 'drained', published: 0 });
    expectInOrderOnce(publisher.delivered, range(1, 20));
  });

  it('stops when its lease expired and another replayer took it', async () => {
    const { queue, publisher, storage, clock } = harness({ config: { maxBatchOps: 2, leaseTtlMs: 30 } });
    await queue.enqueueMany(distinctOps(6));
    publisher.inject({ kind: 'lateAck' });
    const run = queue.replay();
    await publisher.waitForHeldAcks(1);
    clock.now += 30;
    expect(await storage.acquireReplayLease('another-process', 60_000, clock.now)).toBe(true);
    publisher.releaseAcks();
    expect(await run).toMatchObject({ stoppedBy: 'leaseLost', published: 2, pending: 4 });
    expect(await queue.replay()).toMatchObject({ stoppedBy: 'leaseHeld', published: 0 });
    await storage.releaseReplayLease('another-process');
    expect(await queue.replay()).toMatchObject({ stoppedBy: 'drained', published: 4 });
    expectInOrderOnce(publisher.delivered, range(1, 6));
  });

  it('keeps order per device across a failed run, and retries the failed frame first', async () => {
    const { queue, publisher, clock } = harness({ config: { maxBatchOps: 3 } });
    await queue.enqueueMany(distinctOps(8));
    publisher.inject({ kind: 'transient' });
    await queue.replay({ force: true });
    expect(publisher.delivered).toEqual([]);
    const errors: unknown[] = [];
    queue.on('error', ({ error }) => errors.push(error));
    publisher.inject({ kind: 'lateAck' }, { kind: 'transient', code: 'UNAVAILABLE' });
    const run = queue.replay({ force: true });
    await publisher.waitForFrames(1);
    publisher.releaseAcks();
    const failed = await run;
    expect(failed).toMatchObject({ published: 3, stoppedBy: 'transientError', pending: 5 });
    expect(failed.error).toEqual({ code: 'UNAVAILABLE', message: 'injected transient failure' });
    expect(errors).toHaveLength(1);
    clock.now = failed.nextAttemptAt as number;
    await queue.enqueue(watchlistAdd('late'));
    const done = await queue.replay();
    expect(done).toMatchObject({ published: 6, stoppedBy: 'drained' });
    expectInOrderOnce(publisher.delivered, range(1, 9));
  });

  it('an outage backs off exponentially up to the cap, honours the schedule, and never counts an attempt', async () => {
    const { queue, publisher, clock, storage } = harness({
      config: { maxAttempts: 2, backoff: { baseMs: 1_000, factor: 2, capMs: 3_000, jitter: 0 } },
    });
    await queue.enqueueMany(distinctOps(2));
    const delays: number[] = [];
    const faults = [
      { kind: 'transient', code: 'UNAVAILABLE' },
      { kind: 'stall' },
      { kind: 'dropConnection' },
      { kind: 'transient', code: 'BUSY' },
      { kind: 'transient', code: 'TIMEOUT' },
    ] as const;
    for (const fault of faults) {
      publisher.setConnectionState('online');
      publisher.inject(fault);
      const report = await queue.replay();
      expect(report).toMatchObject({ stoppedBy: 'transientError', deadLettered: 0, pending: 2 });
      delays.push((report.nextAttemptAt as number) - clock.now);
      const early = await queue.replay();
      expect(early).toMatchObject({ stoppedBy: 'backoff', nextAttemptAt: report.nextAttemptAt, published: 0 });
      clock.now = report.nextAttemptAt as number;
    }
    expect(delays).toEqual([1_000, 2_000, 3_000, 3_000, 3_000]);
    expect(publisher.publishCalls).toBe(5);
    expect((await storage.readPage(0, 10)).map((row) => row.attempts)).toEqual([0, 0]);
    expect(await queue.deadLetters()).toEqual([]);
    publisher.setConnectionState('online');
    expect(await queue.replay()).toMatchObject({ stoppedBy: 'drained', published: 2, deadLettered: 0 });
    // An acknowledged frame ends the outage: the next one starts again from the base delay.
    await queue.enqueue(watchlistAdd('later'));
    publisher.inject({ kind: 'transient' });
    expect(((await queue.replay()).nextAttemptAt as number) - clock.now).toBe(1_000);
  });

  it('a forced replay ("sync now") does not wait out an outage’s backoff', async () => {
    const { queue, publisher } = harness();
    await queue.enqueue(watchlistAdd('a'));
    publisher.inject({ kind: 'transient' });
    expect((await queue.replay()).stoppedBy).toBe('transientError');
    expect((await queue.replay()).stoppedBy).toBe('backoff');
    expect(await queue.replay({ force: true })).toMatchObject({ stoppedBy: 'drained', published: 1 });
  });

  it('20 replays into an outage or a crash-looping receiver dead-letter nothing; one live replay drains all', async () => {
    const { queue, publisher, clock, storage } = harness({ config: { maxBatchOps: 4 } });
    await queue.enqueueMany(distinctOps(10));
    const attemptsBefore = (await storage.readPage(0, 100)).map((row) => row.attempts);
    // Alternating: the receiver is unreachable, then accepts the connection and dies mid-frame.
    for (let run = 0; run < 20; run++) {
      if (run % 2 === 0) publisher.setConnectionState('offline');
      else {
        publisher.setConnectionState('online');
        publisher.inject(run % 4 === 1 ? { kind: 'dropConnection' } : { kind: 'transient', code: 'UNAVAILABLE' });
      }
      const report = await queue.replay({ force: true });
      expect(report).toMatchObject({ stoppedBy: 'transientError', deadLettered: 0, pending: 10, published: 0 });
      clock.now += 60_000;
    }
    expect(await queue.status()).toMatchObject({ pending: 10, deadLettered: 0 });
    expect((await storage.readPage(0, 100)).map((row) => row.attempts)).toEqual(attemptsBefore);
    publisher.setConnectionState('online');
    expect(await queue.replay({ force: true })).toMatchObject({
      stoppedBy: 'drained',
      published: 10,
      deadLettered: 0,
      pending: 0,
    });
    expectInOrderOnce(publisher.applied, range(1, 10));
  });

  it('INCOMPATIBLE is a verdict: it counts, and maxAttempts of them dead-letter the frame', async () => {
    const { queue, publisher, clock, storage } = harness({
      config: { maxAttempts: 3, maxBatchOps: 2, backoff: { baseMs: 1_000, factor: 2, capMs: 60_000, jitter: 0 } },
    });
    await queue.enqueueMany(distinctOps(3));
    for (let verdict = 1; verdict <= 2; verdict++) {
      publisher.inject({ kind: 'permanent', code: 'INCOMPATIBLE' });
      const report = await queue.replay();
      expect(report).toMatchObject({ stoppedBy: 'permanentError', deadLettered: 0, pending: 3 });
      expect(report.error?.code).toBe('INCOMPATIBLE');
      expect((await storage.readPage(0, 10)).map((row) => row.attempts)).toEqual([verdict, verdict, 0]);
      clock.now = report.nextAttemptAt as number;
    }
    publisher.inject({ kind: 'permanent', code: 'INCOMPATIBLE' });
    const last = await queue.replay();
    expect(last).toMatchObject({ stoppedBy: 'permanentError', deadLettered: 2, pending: 1 });
    const letters = await queue.deadLetters();
    expect(letters.map((l) => [l.seq, l.reasonCode, l.attempts])).toEqual([
      [1, 'MAX_ATTEMPTS', 2],
      [2, 'MAX_ATTEMPTS', 2],
    ]);
    expect(letters[0]?.reason).toBe('INCOMPATIBLE: injected permanent failure (3 verdicts)');
  });

  it('backoff jitter comes from random()', async () => {
    const { queue, publisher, clock } = harness({
      random: () => 0.5,
      config: { backoff: { baseMs: 1_000, factor: 2, capMs: 60_000, jitter: 0.5 } },
    });
    await queue.enqueue(watchlistAdd('a'));
    publisher.inject({ kind: 'transient' });
    expect((await queue.replay()).nextAttemptAt).toBe(clock.now + 750);
  });

  it('coalesces superseded progress updates by default and counts them', async () => {
    const { queue, publisher } = harness({ config: { pageSize: 2 } });
    await queue.enqueueMany([
      progress('a', 1_000),
      progress('b', 1_000),
      progress('a', 2_000),
      watchlistAdd('x'),
      progress('a', 3_000),
      progress('b', 2_000),
    ]);
    const report = await queue.replay();
    expect(report).toMatchObject({ published: 3, coalesced: 3, pending: 0 });
    expectInOrderOnce(publisher.delivered, [4, 5, 6]);
    expect(queue.metrics().coalesced).toBe(3);
  });

  it('sends every progress update when coalescing is off', async () => {
    const { queue, publisher } = harness({ config: { coalesceProgress: false } });
    await queue.enqueueMany([progress('a', 1_000), progress('a', 2_000), progress('a', 3_000)]);
    expect(await queue.replay()).toMatchObject({ published: 3, coalesced: 0 });
    expectInOrderOnce(publisher.delivered, [1, 2, 3]);
  });

  it('keeps a long run of skipped rows bounded and deletes them all', async () => {
    const spy = spyOn(createMemoryStorage());
    const { queue, publisher } = harness({ storage: spy.storage, config: { pageSize: 10 } });
    await queue.enqueue(watchlistAdd('first'));
    await queue.enqueueMany(Array.from({ length: 95 }, (_, i) => progress('a', (i + 1) * 1_000)));
    const report = await queue.replay();
    expect(report).toMatchObject({ published: 2, coalesced: 94, pending: 0 });
    expectInOrderOnce(publisher.delivered, [1, 96]);
    const pages = spy.calls.filter((call) => call.method === 'readPage').map((call) => call.args[1]);
    expect(new Set(pages)).toEqual(new Set([10]));
  });

  it('drops expired device commands, counted, never sent', async () => {
    const { queue, publisher, clock } = harness({ userId: USER });
    await queue.enqueueMany([
      command('old', T0 - 300_000),
      command('fresh', T0),
      command('short', T0, T0 + 5),
      watchlistAdd('x'),
    ]);
    clock.now = T0 + 5;
    const report = await queue.replay();
    expect(report).toMatchObject({ published: 2, expired: 2, pending: 0 });
    expectInOrderOnce(publisher.delivered, [2, 4]);
    expect(publisher.frames[0]?.userId).toBe(USER);
  });

  it('packs frames within maxBatchOps and the publisher’s maxFrameBytes', async () => {
    const codec = await createCodec();
    const small = harness({ config: { maxBatchOps: 100 }, publisher: { maxFrameBytes: 300, codec } });
    const ops = Array.from({ length: 60 }, (_, i) =>
      watchlistAdd(`${crypto.randomUUID()}-${i}`.slice(0, 40), T0 + i * 7_919),
    );
    await small.queue.enqueueMany(ops);
    const report = await small.queue.replay();
    expect(report).toMatchObject({ published: 60, deadLettered: 0 });
    expect(small.publisher.frames.length).toBeGreaterThan(1);
    for (const frame of small.publisher.frames) expect(frame.bytes.length).toBeLessThanOrEqual(300);
    expectInOrderOnce(small.publisher.delivered, range(1, 60));

    const batched = harness({ config: { maxBatchOps: 7 } });
    await batched.queue.enqueueMany(distinctOps(30));
    await batched.queue.replay();
    expect(batched.publisher.frames.map((f) => f.ops.length)).toEqual([7, 7, 7, 7, 2]);
  });

  it('dead-letters an op that alone exceeds maxFrameBytes', async () => {
    const { queue, publisher } = harness({ userId: USER, publisher: { maxFrameBytes: 400 } });
    // Random text, so compression cannot bring it under the limit.
    const noise = btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(1_500))));
    const big = { ...command('big', T0), payload: { text: noise } };
    await queue.enqueueMany([watchlistAdd('a'), big, watchlistAdd('b')]);
    const report = await queue.replay();
    expect(report).toMatchObject({ published: 2, deadLettered: 1 });
    expectInOrderOnce(publisher.delivered, [1, 3]);
    expect((await queue.deadLetters()).map((l) => [l.seq, l.reasonCode])).toEqual([[2, 'FRAME_TOO_LARGE']]);
  });

  it('sends one op per frame when delta sync is disabled', async () => {
    const { queue, publisher } = harness({ config: { enabled: false, maxBatchOps: 50 } });
    await queue.enqueueMany(distinctOps(4));
    await queue.replay();
    expect(publisher.frames.map((f) => f.ops.length)).toEqual([1, 1, 1, 1]);
  });

  it('dead-letters the ops an ack rejects and deletes the rest', async () => {
    const { queue, publisher, storage } = harness();
    await queue.enqueueMany(distinctOps(5));
    publisher.rejectSeqs([2, 4], 'UNKNOWN_CONTENT');
    const report = await queue.replay();
    expect(report).toMatchObject({ published: 3, deadLettered: 2, pending: 0 });
    expect((await queue.deadLetters()).map((l) => [l.seq, l.reasonCode, l.reason])).toEqual([
      [2, 'REJECTED', 'UNKNOWN_CONTENT: the receiver refused 2 ops of the frame'],
      [4, 'REJECTED', 'UNKNOWN_CONTENT: the receiver refused 2 ops of the frame'],
    ]);
    expect(seqsOf(publisher.applied)).toEqual([1, 3, 5]);
    expect(await storage.counts()).toMatchObject({ pending: 0, deadLettered: 2 });
  });

  it('a permanent link error (UNAUTHORIZED) ends the run and keeps every op pending, attempts untouched', async () => {
    const { queue, publisher, storage } = harness({ config: { maxBatchOps: 2 } });
    await queue.enqueueMany(distinctOps(5));
    publisher.inject({ kind: 'permanent', code: 'UNAUTHORIZED' });
    const report = await queue.replay();
    expect(report).toMatchObject({ published: 0, deadLettered: 0, pending: 5, stoppedBy: 'unauthorized' });
    expect(report.error?.code).toBe('UNAUTHORIZED');
    expect(await queue.deadLetters()).toEqual([]);
    expect((await storage.readPage(0, 10)).map((row) => row.attempts)).toEqual([0, 0, 0, 0, 0]);
    expect((await queue.replay()).published).toBe(5);
  });

  it('a REJECTED frame dead-letters that frame only and the run goes on', async () => {
    const { queue, publisher } = harness({ config: { maxBatchOps: 2 } });
    await queue.enqueueMany(distinctOps(5));
    publisher.inject({ kind: 'permanent', code: 'REJECTED' });
    const report = await queue.replay();
    expect(report).toMatchObject({ published: 3, deadLettered: 2, pending: 0 });
    expect((await queue.deadLetters()).map((l) => [l.seq, l.reasonCode])).toEqual([
      [1, 'REJECTED'],
      [2, 'REJECTED'],
    ]);
  });

  it('a dropped connection that had delivered the frame re-sends it; the receiver applies it once', async () => {
    const { queue, publisher } = harness();
    await queue.enqueueMany(distinctOps(3));
    publisher.inject({ kind: 'dropConnection', delivered: true });
    expect((await queue.replay()).stoppedBy).toBe('transientError');
    expect(publisher.connectionState).toBe('offline');
    expect((await queue.replay({ force: true })).stoppedBy).toBe('transientError');
    publisher.setConnectionState('online');
    const report = await queue.replay({ force: true });
    expect(report.published).toBe(3);
    expect(seqsOf(publisher.delivered)).toEqual([1, 2, 3, 1, 2, 3]);
    expect(seqsOf(publisher.applied)).toEqual([1, 2, 3]);
    expect(publisher.frames.map((f) => f.duplicate)).toEqual([false, true]);
  });

  it('requeues and purges dead letters', async () => {
    const { queue, publisher, storage } = harness();
    await queue.enqueueMany(distinctOps(4));
    publisher.rejectSeqs([1, 3]);
    await queue.replay();
    expect(await queue.status()).toMatchObject({ pending: 0, deadLettered: 2 });
    expect(await queue.requeueDeadLetters([3])).toBe(1);
    expect(await queue.pending()).toBe(1);
    expect(await queue.purgeDeadLetters()).toBe(1);
    expect(await queue.status()).toMatchObject({ pending: 1, deadLettered: 0, lastSeq: 4 });
    const receiver = createMemoryPublisher();
    const again = createQueue({ deviceId: DEVICE, storage, publisher: receiver });
    expect(await again.replay()).toMatchObject({ published: 1, pending: 0 });
    expect(seqsOf(receiver.delivered)).toEqual([3]);
  });

  it('stops between frames when the signal aborts, keeping the rest pending', async () => {
    const { queue, publisher } = harness({ config: { maxBatchOps: 2 } });
    await queue.enqueueMany(distinctOps(6));
    const controller = new AbortController();
    publisher.inject({ kind: 'lateAck' });
    const run = queue.replay({ signal: controller.signal });
    await publisher.waitForFrames(1);
    controller.abort();
    publisher.releaseAcks();
    const report = await run;
    expect(report).toMatchObject({ stoppedBy: 'aborted', published: 2, pending: 4 });
    expect((await queue.replay()).published).toBe(4);
    expectInOrderOnce(publisher.delivered, range(1, 6));
  });

  it('an abort during a stalled publish records no attempt', async () => {
    const { queue, publisher, storage } = harness({ publisher: { timeoutMs: 60_000 } });
    await queue.enqueue(watchlistAdd('a'));
    publisher.inject({ kind: 'stall' });
    const controller = new AbortController();
    const run = queue.replay({ signal: controller.signal });
    await publisher.waitForPublishCalls(1);
    controller.abort();
    expect((await run).stoppedBy).toBe('aborted');
    expect((await storage.readPage(0, 1))[0]?.attempts).toBe(0);
  });

  it('enqueues during a replay are safe and sent', async () => {
    const { queue, publisher } = harness({ config: { maxBatchOps: 2, pageSize: 2 } });
    await queue.enqueueMany(distinctOps(4));
    let added = false;
    queue.on('framePublished', () => {
      if (added) return;
      added = true;
      void queue.enqueueMany(distinctOps(3, 100));
    });
    await queue.replay();
    if ((await queue.pending()) > 0) await queue.replay();
    expectInOrderOnce(publisher.delivered, range(1, 7));
  });

  it('emits progress, framePublished and replayed', async () => {
    const { queue } = harness({ config: { maxBatchOps: 2 } });
    await queue.enqueueMany(distinctOps(3));
    const events: string[] = [];
    queue.on('framePublished', (f) => events.push(`frame ${f.firstSeq}-${f.lastSeq}`));
    queue.on('progress', (p) => events.push(`progress ${p.published}`));
    const replayed = new Promise<ReplayReport>((resolve) => queue.on('replayed', resolve));
    const report = await queue.replay();
    expect(await replayed).toBe(report);
    expect(events).toEqual(['frame 1-2', 'progress 2', 'frame 3-3', 'progress 3']);
  });

  it('splits frames by user so each frame goes to its user’s channel', async () => {
    const { queue, publisher } = harness();
    await queue.enqueueMany([
      watchlistAdd('a'),
      watchlistAdd('b', T0, 'user-2'),
      watchlistAdd('c', T0, 'user-2'),
      watchlistAdd('d'),
    ]);
    await queue.replay();
    expect(publisher.frames.map((f) => [f.userId, seqsOf(f.ops)])).toEqual([
      [USER, [1]],
      ['user-2', [2, 3]],
      [USER, [4]],
    ]);
  });
});

describe('dead letters in reports', () => {
  it('a report counts only the ops this run dead-lettered; the summary counts them all, per code', async () => {
    const { queue, publisher, clock } = harness({ config: { maxBatchOps: 2 } });
    await queue.enqueueMany(distinctOps(4));
    publisher.rejectSeqs([1], 'FORBIDDEN_USER');
    publisher.inject({ kind: 'ok' }, { kind: 'permanent', code: 'REJECTED' });
    expect(await queue.replay()).toMatchObject({ deadLettered: 3, published: 1, pending: 0, leaseHolder: null });
    clock.now += 1_000;
    await queue.enqueue(watchlistAdd('later'));
    publisher.rejectSeqs([5], 'CLOCK_DRIFT');
    expect(await queue.replay()).toMatchObject({ deadLettered: 1, published: 0, pending: 0 });
    expect(await queue.replay()).toMatchObject({ deadLettered: 0 });
    expect(await queue.deadLetterSummary()).toEqual([
      {
        code: 'REJECTED',
        count: 4,
        latestReason: 'CLOCK_DRIFT: the receiver refused this op',
        latestAt: T0 + 1_000,
      },
    ]);
  });
});
