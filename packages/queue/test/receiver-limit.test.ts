import { describe, expect, it } from 'vitest';
import { PublisherError } from '../src/index.js';
import { distinctOps, harness } from './helpers.js';

describe('a receiver smaller than advertised', () => {
  it('the queue halves its frames on FRAME_TOO_LARGE and still delivers everything once', async () => {
    const { queue, publisher } = harness({ config: { maxBatchOps: 8 } });
    const original = publisher.publish.bind(publisher);
    const limitOps = 3;
    publisher.publish = async (frame, options) => {
      if (frame.ops.length > limitOps) throw new PublisherError('FRAME_TOO_LARGE', 'receiver limit');
      return original(frame, options);
    };
    await queue.enqueueMany(distinctOps(10));
    const report = await queue.replay();
    expect(report).toMatchObject({ published: 10, deadLettered: 0, pending: 0 });
    expect(publisher.frames.every((frame) => frame.ops.length <= 3)).toBe(true);
  });
});
