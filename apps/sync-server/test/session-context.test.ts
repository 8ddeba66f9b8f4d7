import type { Codec } from '@media-sync/codec';
import type { SequencedOperation } from '@media-sync/protocol';
import { createWebSocketPublisher } from '@media-sync/publisher-websocket';
import { describe, expect, it } from 'vitest';
import { codec, deferCleanup, gateway, token, USER } from './helpers.js';

const BASE_TIME = Date.now() - 86_400_000;

/** `count` progress updates of the tv from `firstSeq`, each on a title of its own (each a new id in the context). */
function distinctTitles(firstSeq: number, count: number): SequencedOperation[] {
  return Array.from(
    { length: count },
    (_, i) => {
      const seq = firstSeq + i;
      const timestamp = BASE_TIME + seq * 1000;
      return {
        deviceId: 'tv',
        seq,
        hlc: { physicalMs: timestamp, logical: 0, nodeId: 'tv' },
        op: {
          type: 'progressUpdate',
          userId: USER,
          contentId: `title-${seq}-of-a-long-catalogue`,
          positionMs: seq * 1000,
          durationMs: 5_400_000,
          state: 'playing',
          timestamp,
        },
      };
    },
    60_000,
  );
}

function frameOf(ops: SequencedOperation[], codec: Codec) {
  return {
    deviceId: 'tv',
    userId: USER,
    firstSeq: ops[0]?.seq ?? 0,
    lastSeq: ops[ops.length - 1]?.seq ?? 0,
    ops,
    skipped: [],
    // What the publisher sends when the gateway no longer holds the context it encoded against.
    selfContained: () => codec.encodeFrame('tv', ops, { userId: USER }),
  };
}

async function scrape(url: string, name: string): Promise<number> {
  const text = await (await fetch(`${url.replace('ws:', 'http:')}/metrics`)).text();
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${name} `));
  return Number(line?.split(' ')[1] ?? Number.NaN);
}

describe('codec session contexts of connections', () => {
  it('gives back the context of a connection idle for a heartbeat period; its next session frame is resent self-contained and applied once', async () => {
    // Periods long enough that a loaded machine never leaves one without a frame while busy.
    const { server } = await gateway({ heartbeatMs: 2500 });
    const c = await codec();
    const tv = createWebSocketPublisher({ url: server.url, token: await token('tv') });
    deferCleanup(() => tv.close());
    for (let first = 1; first <= 300; first += 100) {
      await tv.publish(frameOf(distinctTitles(first, 100), c));
      expect(await scrape(server.url, 'media_sync_session_contexts')).toBe(1);
    }
    expect(server.metrics().connections).toBe(1);
    expect(await server.headOf(USER)).toBe(300);
    // Busy through several heartbeat periods (a frame every 50 ms): the context stays.
    const busyUntil = Date.now() + 3000;
    let seq = 301;
    while (Date.now() < busyUntil) {
      await tv.publish(frameOf(distinctTitles(seq, 1), c));
      seq += 1;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(await scrape(server.url, 'media_sync_session_contexts_released_total')).toBe(0);
    // Idle for a whole heartbeat period: the context goes; the connection stays.
    const deadline = Date.now() + 20_000;
    while ((await scrape(server.url, 'media_sync_session_contexts_released_total')) !== 1) {
      if (Date.now() > deadline) throw new Error('the idle connection kept its context');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(await scrape(server.url, 'media_sync_session_contexts')).toBe(0);
    expect(server.metrics().connections).toBe(1);
    // The publisher still holds the acknowledged context: its frame is refused CONTEXT_MISMATCH
    // and sent again self-contained, and each op is applied once.
    const ack = await tv.publish(frameOf(distinctTitles(seq, 100), c));
    expect(ack).toMatchObject({ duplicate: false, rejected: [] });
    expect(await server.headOf(USER)).toBe(seq + 99);
    expect((await server.stateOf(USER)).progress).toHaveLength(seq + 99);
    const text = await (await fetch(`${server.url.replace('ws:', 'http:')}/metrics`)).text();
    expect(text).toMatch(/^media_sync_frames_rejected_total\{code="CONTEXT_MISMATCH"\} 1$/m);
  }, 60_000);
});
