import { createWebSocketPublisher, type WebSocketPublisher } from '@media-sync/publisher-websocket';
import { describe, expect, it, vi } from 'vitest';
import { SqliteGatewayStore } from '../src/store.js';
import { deferCleanup, gateway, outgoing, progressOps, token, USER } from './helpers.js';

const DEVICES = 20;

/** DEVICES connected publishers of one user, each with seq 1 published (so all are online). */
async function devices(url: string): Promise<WebSocketPublisher[]> {
  const publishers = await Promise.all(
    Array.from({ length: DEVICES }, async (_, i) =>
      createWebSocketPublisher({ url, token: await token(`device-${i}`), sessionContext: false }),
    ),
  );
  for (const publisher of publishers) deferCleanup(() => publisher.close());
  for (const [i, publisher] of publishers.entries()) {
    await publisher.publish(await outgoing(progressOps(`device-${i}`, 1, 1)));
  }
  return publishers;
}

/** Each device's frame of seqs 2..6, published by all at once. */
async function publishTogether(publishers: WebSocketPublisher[]) {
  const frames = await Promise.all(publishers.map((_, i) => outgoing(progressOps(`device-${i}`, 2, 5))));
  const sends = () => frames.map((frame, i) => (publishers[i] as WebSocketPublisher).publish(frame));
  return { frames, sends };
}

describe('group commit', () => {
  it('commits the frames of many connections that arrive together in fewer transactions, then acks each', async () => {
    const { server } = await gateway();
    const publishers = await devices(server.url);
    const before = server.metrics().commits;
    const acks = await Promise.all((await publishTogether(publishers)).sends());
    expect(acks.every((ack) => !ack.duplicate && ack.rejected.length === 0)).toBe(true);
    expect(await server.headOf(USER)).toBe(DEVICES * 6);
    const commits = server.metrics().commits - before;
    expect(commits).toBeGreaterThanOrEqual(1);
    expect(commits).toBeLessThan(DEVICES);
  });

  it('answers every frame of a failed group commit INTERNAL, keeps nothing of it, and takes the re-send', async () => {
    const { server } = await gateway();
    const publishers = await devices(server.url);
    const write = vi
      .spyOn(SqliteGatewayStore.prototype, 'writeFrames')
      .mockRejectedValueOnce(new Error('disk I/O error'));
    deferCleanup(() => write.mockRestore());
    const { sends } = await publishTogether(publishers);
    const results = await Promise.allSettled(sends());
    const failed = results.filter((result) => result.status === 'rejected');
    expect(failed.length).toBeGreaterThanOrEqual(1);
    for (const result of failed) expect(result.reason).toMatchObject({ code: 'UNAVAILABLE', transient: true });
    // The failed group left no trace in memory or on disk: re-sending applies each op once.
    await Promise.all(sends());
    expect(await server.headOf(USER)).toBe(DEVICES * 6);
    expect((await server.stateOf(USER)).progress.length).toBeGreaterThan(0);
  });
});
