import type { Codec } from '@media-sync/codec';
import { encodeGatewayMessage, type SequencedOperation } from '@media-sync/protocol';
import type { WebSocket } from 'ws';
import type { GatewayLimits } from './limits.js';
import { type Counters, type Session, send } from './session.js';
import type { GatewayStore } from './store.js';

/**
 * zstd level of the frames the gateway re-encodes for fan-out and catch-up: they are made on
 * the hot path for every accepted frame, and level 3 costs a fifth of the codec's default 19
 * for a few percent more bytes.
 */
const FANOUT_LEVEL = 3;

/**
 * What the gateway sends to subscribers: live fan-out of accepted ops, the catch-up of the log
 * after a cursor, and device commands (stored until acknowledged or expired).
 */
export class Delivery {
  readonly #codec: Codec;
  readonly #store: GatewayStore;
  readonly #sessions: ReadonlySet<Session>;
  readonly #counters: Counters;
  readonly #limits: GatewayLimits;
  readonly #now: () => number;
  readonly #onCatchUpFailure: (session: Session, error: unknown) => void;

  constructor(deps: {
    codec: Codec;
    store: GatewayStore;
    sessions: ReadonlySet<Session>;
    counters: Counters;
    limits: GatewayLimits;
    now: () => number;
    onCatchUpFailure: (session: Session, error: unknown) => void;
  }) {
    this.#codec = deps.codec;
    this.#store = deps.store;
    this.#sessions = deps.sessions;
    this.#counters = deps.counters;
    this.#limits = deps.limits;
    this.#now = deps.now;
    this.#onCatchUpFailure = deps.onCatchUpFailure;
  }

  /** A subscriber's start: the log after `since`, then live; pending commands at once. */
  subscribe(session: Session, since: number): void {
    session.subscribed = true;
    void this.#catchUp(session, since);
    for (const command of this.#store.pendingCommands(session.userId, session.deviceId, this.#now())) {
      send(session, { type: 'command', deliveryId: command.id, frame: this.#commandFrame(command.entry) });
    }
  }

  /** Sends newly logged ops of `deviceId` to the user's other live subscribers; SYNCED to its own. */
  fanOut(userId: string, deviceId: string, ops: readonly SequencedOperation[], head: number): void {
    const subscribers = [...this.#sessions].filter(
      (session) => session.subscribed && session.live && session.userId === userId,
    );
    // The sending device has these ops already: it only learns that its cursor moved past them.
    for (const session of subscribers) {
      if (session.deviceId === deviceId) send(session, { type: 'synced', cursor: head });
    }
    const targets = subscribers.filter((session) => session.deviceId !== deviceId);
    if (targets.length === 0) return;
    const message = encodeGatewayMessage({
      type: 'fanout',
      cursor: head,
      frame: this.#codec.encodeFrame(deviceId, ops, { level: FANOUT_LEVEL }).bytes,
    });
    for (const session of targets) {
      session.flow.send(message);
      this.#counters.fanoutFrames += 1;
    }
  }

  /** Sends a just-stored command to its target's live subscriptions. */
  sendCommand(userId: string, targetDeviceId: string, id: number, entry: SequencedOperation): void {
    for (const session of this.#sessions) {
      if (session.subscribed && session.userId === userId && session.deviceId === targetDeviceId) {
        send(session, { type: 'command', deliveryId: id, frame: this.#commandFrame(entry) });
      }
    }
  }

  #commandFrame(entry: SequencedOperation): Uint8Array {
    return this.#codec.encodeFrame(entry.deviceId, [entry], { level: FANOUT_LEVEL }).bytes;
  }

  /**
   * Sends a subscriber every logged op after its cursor, one frame per run of one device's ops,
   * a page of the log at a time: before reading the next page it waits until the socket has
   * written the previous one, so a slow or stalled device holds at most one page in the
   * gateway's memory instead of its whole log. Stops when the socket closes.
   */
  async #catchUp(session: Session, since: number): Promise<void> {
    const { ws } = session;
    try {
      let cursor = since;
      for (;;) {
        const page = this.#store.logAfter(session.userId, cursor, this.#limits.logPage);
        if (page.length === 0) break;
        const messages: Uint8Array[] = [];
        let start = 0;
        for (let i = 1; i <= page.length; i++) {
          if (i < page.length && page[i]?.entry.deviceId === page[start]?.entry.deviceId) continue;
          const run = page.slice(start, i);
          const last = run[run.length - 1];
          if (last === undefined) break;
          const frame = this.#codec.encodeFrame(
            last.entry.deviceId,
            run.map((row) => row.entry),
            { level: FANOUT_LEVEL },
          );
          messages.push(encodeGatewayMessage({ type: 'fanout', cursor: last.logSeq, frame: frame.bytes }));
          start = i;
        }
        const lastMessage = messages.pop();
        for (const message of messages) session.flow.send(message);
        this.#counters.fanoutFrames += messages.length + 1;
        cursor = page[page.length - 1]?.logSeq ?? cursor;
        // Messages are written in order, so once the last is written the whole page is.
        if (lastMessage === undefined || !(await sendAndWait(ws, lastMessage))) return;
      }
      // No await between the empty read above and going live: an op accepted from here on is
      // fanned out to this session live.
      session.live = true;
      send(session, { type: 'synced', cursor });
    } catch (error) {
      // Thrown out of here it would be an unhandled rejection that ends the process.
      if (ws.readyState === ws.OPEN) this.#onCatchUpFailure(session, error);
    }
  }
}

/**
 * Sends a message; resolves true once the socket has written it, false if the socket closed
 * first (ws calls back with an error then, or the close event comes first).
 */
function sendAndWait(ws: WebSocket, data: Uint8Array): Promise<boolean> {
  return new Promise((resolve) => {
    if (ws.readyState !== ws.OPEN) {
      resolve(false);
      return;
    }
    const onClose = () => resolve(false);
    ws.once('close', onClose);
    ws.send(data, (error) => {
      ws.off('close', onClose);
      resolve(error === undefined || error === null);
    });
  });
}
