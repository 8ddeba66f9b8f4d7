import { encodeGatewayMessage } from '@media-sync/protocol';
import type { ConnectionState, IncomingFrame, Subscriber, Subscription } from '@media-sync/queue';
import { PublisherError } from '@media-sync/queue';
import { type ConnectionOptions, GatewayConnection } from './connection.js';

export interface WebSocketSubscriberOptions extends ConnectionOptions {
  /** Log cursor to resume from (the `cursor` of an earlier subscriber); default 0 = everything. */
  readonly since?: number;
}

export interface WebSocketSubscriber extends Subscriber {
  /** The user's log position up to which every frame has been handed over and consumed. */
  readonly cursor: number;
  readonly connectionState: ConnectionState;
  onConnectionState(listener: (state: ConnectionState) => void): () => void;
  /** Resolves once `cursor` reaches `logSeq` (e.g. the gateway's `headOf(user)`); rejects after `timeoutMs`. */
  waitForCursor(logSeq: number, timeoutMs?: number): Promise<void>;
}

/**
 * The device side of the gateway: a subscription receives, in order, the user's logged ops
 * after its cursor (catch-up), then live fan-out of the other devices' changes, and the device
 * commands addressed to this device. `IncomingFrame.transportId` is `log:<cursor>` for state
 * frames and `command:<delivery id>` for commands; a command is acknowledged to the gateway
 * (and so never re-sent) once `onFrame` resolved, and re-sent after a reconnect otherwise.
 */
export function createWebSocketSubscriber(options: WebSocketSubscriberOptions): WebSocketSubscriber {
  let cursor = options.since ?? 0;
  let connection: GatewayConnection | undefined;
  let chain: Promise<void> = Promise.resolve();
  const cursorWaiters = new Set<() => void>();
  const stateListeners = new Set<(state: ConnectionState) => void>();

  function advance(to: number): void {
    if (to <= cursor) return;
    cursor = to;
    for (const wake of cursorWaiters) wake();
  }

  return {
    get cursor() {
      return cursor;
    },
    get connectionState() {
      return connection?.state ?? 'offline';
    },
    onConnectionState(listener) {
      stateListeners.add(listener);
      return () => stateListeners.delete(listener);
    },
    async subscribe(userId, onFrame): Promise<Subscription> {
      if (connection) throw new PublisherError('REJECTED', 'this subscriber already has a subscription');
      // Frames are consumed strictly in order. When `onFrame` fails, everything after it from
      // the same connection is skipped and the link dropped: the gateway re-sends from the
      // cursor (and unacknowledged commands) on the next connection.
      let generation = 0;
      let broken = false;
      const current = new GatewayConnection(
        options,
        () => options.url,
        (event) => {
          if (event.type === 'hello') {
            if (event.hello.userId !== userId) {
              current.close();
              return;
            }
            generation += 1;
            broken = false;
            // Everything consumed so far is not sent again: the log after the cursor, then live.
            current.send(encodeGatewayMessage({ type: 'subscribe', since: cursor }));
            return;
          }
          if (event.type !== 'message') return;
          const message = event.message;
          const from = generation;
          const live = () => from === generation && !broken;
          if (message.type === 'synced') {
            chain = chain.then(() => {
              if (live()) advance(message.cursor);
            });
            return;
          }
          if (message.type !== 'fanout' && message.type !== 'command') return;
          // Copy: the socket may reuse its buffer once this handler returns.
          const frame: IncomingFrame = {
            bytes: message.frame.slice(),
            transportId: message.type === 'fanout' ? `log:${message.cursor}` : `command:${message.deliveryId}`,
          };
          chain = chain.then(async () => {
            if (!live()) return;
            try {
              await onFrame(frame);
            } catch {
              broken = true;
              current.drop();
              return;
            }
            if (message.type === 'fanout') advance(message.cursor);
            else current.send(encodeGatewayMessage({ type: 'commandAck', deliveryId: message.deliveryId }));
          });
        },
      );
      connection = current;
      current.onState((state) => {
        for (const listener of stateListeners) listener(state);
      });
      current.start();
      return {
        async unsubscribe() {
          current.close();
          await chain;
        },
      };
    },
    waitForCursor(logSeq, timeoutMs = 10_000) {
      if (cursor >= logSeq) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        const wake = () => {
          if (cursor < logSeq) return;
          clearTimeout(timer);
          cursorWaiters.delete(wake);
          resolve();
        };
        const timer = setTimeout(() => {
          cursorWaiters.delete(wake);
          reject(new PublisherError('TIMEOUT', `cursor ${cursor} did not reach ${logSeq} within ${timeoutMs} ms`));
        }, timeoutMs);
        cursorWaiters.add(wake);
      });
    },
    async close() {
      connection?.close();
      await chain;
    },
  };
}
