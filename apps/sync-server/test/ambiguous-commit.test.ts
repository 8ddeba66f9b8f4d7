import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createWebSocketPublisher, createWebSocketSubscriber } from '@media-sync/publisher-websocket';
import { PublisherError } from '@media-sync/queue';
import { describe, expect, it } from 'vitest';
import { type GatewayStore, startSyncServer } from '../src/index.js';
import { SqliteGatewayStore } from '../src/store/sqlite.js';
import { codec, deferCleanup, eventually, outgoing, progressOps, SECRET, token, USER } from './helpers.js';

/**
 * A store whose next `writeFrames` commits and then reports a failure: what a gateway sees when
 * its link to PostgreSQL drops after the server committed, before the reply (COMMIT's outcome is
 * unknown to the client).
 */
function losingNextCommitReply(store: GatewayStore): GatewayStore & { loseNext(): void } {
  let lose = false;
  return new Proxy(store, {
    get(target, key) {
      if (key === 'loseNext') {
        return () => {
          lose = true;
        };
      }
      if (key === 'writeFrames') {
        return async (...args: Parameters<GatewayStore['writeFrames']>) => {
          const outcomes = await target.writeFrames(...args);
          if (!lose) return outcomes;
          lose = false;
          const reason = new Error('Connection terminated unexpectedly');
          return outcomes.map(() => ({ status: 'rejected', reason }));
        };
      }
      const value = Reflect.get(target, key);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  }) as GatewayStore & { loseNext(): void };
}

describe('a commit whose reply was lost', () => {
  it('reaches the live subscribers once its re-send is acknowledged as a duplicate', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'media-sync-ambiguous-'));
    deferCleanup(() => rmSync(dir, { recursive: true, force: true }));
    const real = new SqliteGatewayStore(join(dir, 'gateway.db'));
    deferCleanup(() => real.close());
    const store = losingNextCommitReply(real);
    const server = await startSyncServer({ secret: SECRET, store, codec: await codec() });
    deferCleanup(() => server.close());

    const tv = createWebSocketSubscriber({ url: server.url, token: await token('tv') });
    const received: unknown[] = [];
    deferCleanup(await tv.subscribe(USER, (frame) => void received.push(frame)).then((s) => () => s.unsubscribe()));
    await eventually(() => tv.connectionState === 'online');
    const phone = createWebSocketPublisher({ url: server.url, token: await token('phone') });
    deferCleanup(() => phone.close());

    const frame = await outgoing(progressOps('phone', 1, 3));
    store.loseNext();
    await expect(phone.publish(frame)).rejects.toBeInstanceOf(PublisherError);
    // The ops are in the store, but the gateway answered INTERNAL: it sent them to nobody.
    expect(await real.head(USER)).toBe(3);
    const again = await phone.publish(frame);
    expect(again.duplicate).toBe(true);
    // No other write of this user follows: the re-send alone must bring the subscriber up to date.
    await eventually(() => received.length > 0, 3_000);
    expect(received.length).toBeGreaterThan(0);
  });
});
