import type { Codec } from '@media-sync/codec';
import { encodeGatewayMessage, type SequencedOperation } from '@media-sync/protocol';
import type { WebSocket } from 'ws';
import type { Fanout, FanoutNotice } from './fanout.js';
import type { GatewayLimits } from './limits.js';
import { type Counters, type SentCommands, type Session, send } from './session.js';
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
 * Fan-out and catch-up frames are user-bound: the subscriber's token names the user, so they
 * leave it out (16 bytes a frame) and their checksum covers it; subscribers decode them with
 * their user.
 *
 * With several instances on one store, a commit here is also announced to the others (`Fanout`),
 * and a notice of theirs makes this instance read the store: the log after each of the user's
 * subscribers' cursors, the target device's command box. The cursor per connection makes both
 * paths safe to repeat, so a lost notice is made up for by the periodic sweep and the catch-up
 * after the broker comes back, and a repeated one sends nothing.
 */
export class Delivery {
  readonly #codec: Codec;
  readonly #store: GatewayStore;
  readonly #counters: Counters;
  readonly #limits: GatewayLimits;
  readonly #now: () => number;
  readonly #fanout: Fanout;
  readonly #onCatchUpFailure: (session: Session, error: unknown) => void;
  readonly #onFanoutLag: (ms: number) => void;
  /** Subscribed connections per user: whom a commit or a notice of that user concerns. */
  readonly #subscribers = new Map<string, Set<Session>>();
  /** Per user, resolves once the broker routes the user's notices here. */
  readonly #watching = new Map<string, Promise<void>>();
  #sweep: ReturnType<typeof setInterval> | undefined;
  #sweeping = false;

  constructor(deps: {
    codec: Codec;
    store: GatewayStore;
    counters: Counters;
    limits: GatewayLimits;
    now: () => number;
    fanout: Fanout;
    onCatchUpFailure: (session: Session, error: unknown) => void;
    /** Called with the time from a commit on another instance to its send here. */
    onFanoutLag?: (ms: number) => void;
  }) {
    this.#codec = deps.codec;
    this.#store = deps.store;
    this.#counters = deps.counters;
    this.#limits = deps.limits;
    this.#now = deps.now;
    this.#fanout = deps.fanout;
    this.#onCatchUpFailure = deps.onCatchUpFailure;
    this.#onFanoutLag = deps.onFanoutLag ?? (() => {});
  }

  /**
   * Connects the fan-out between instances; with a shared one, every `sweepMs` each user's head
   * is read once and subscribers behind it catch up (notices are at most once).
   */
  async start(sweepMs: number): Promise<void> {
    await this.#fanout.start({
      notice: (notice) => this.#onNotice(notice),
      resumed: () => void this.sweep({ commands: true }),
    });
    if (this.#fanout.shared && sweepMs > 0) {
      this.#sweep = setInterval(() => void this.sweep({ commands: false }), sweepMs);
      this.#sweep.unref();
    }
  }

  /** Stops the sweep; the fan-out closes after the last commit was announced. */
  async close(): Promise<void> {
    clearInterval(this.#sweep);
    await this.#fanout.close();
  }

  /** A subscriber's start: the log after `since`, then live; pending commands at once. */
  subscribe(session: Session, since: number): void {
    session.subscribed = true;
    session.cursor = since;
    const { userId } = session;
    let sessions = this.#subscribers.get(userId);
    if (sessions === undefined) {
      sessions = new Set();
      this.#subscribers.set(userId, sessions);
      this.#watching.set(userId, this.#fanout.watch(userId));
    } else {
      // Counted per connection, so the user is unwatched with its last one.
      void this.#fanout.watch(userId);
    }
    sessions.add(session);
    this.#catchUp(session);
    this.#deliverCommands(session);
    if (!this.#fanout.shared) return;
    // A commit elsewhere between this catch-up's read and the broker routing the user's notices
    // here would go unnoticed until the sweep: once the interest is in place, read once more.
    void this.#watching.get(userId)?.then(() => {
      if (!session.subscribed) return;
      this.#catchUp(session);
      this.#deliverCommands(session);
    });
  }

  /** The connection closed: it no longer counts as a subscriber. */
  closed(session: Session): void {
    if (!session.subscribed) return;
    session.subscribed = false;
    const sessions = this.#subscribers.get(session.userId);
    if (sessions === undefined || !sessions.delete(session)) return;
    this.#fanout.unwatch(session.userId);
    if (sessions.size === 0) {
      this.#subscribers.delete(session.userId);
      this.#watching.delete(session.userId);
    }
  }

  /**
   * A commit logged `ops` of `deviceId` as the user's log positions `head - ops.length + 1` to
   * `head`: subscribers right before them get them live (the sending device only learns that its
   * cursor moved, SYNCED), any other subscriber catches up from the store; the other instances
   * are told.
   */
  fanOut(userId: string, deviceId: string, ops: readonly SequencedOperation[], head: number): void {
    const before = head - ops.length;
    let message: Uint8Array | undefined;
    for (const session of this.#subscribers.get(userId) ?? []) {
      if (session.cursor >= head) continue;
      if (!session.live || session.catchingUp || session.cursor !== before) {
        // Behind (ops of another instance not sent yet) or reading the log already.
        this.#catchUp(session);
        continue;
      }
      session.cursor = head;
      if (session.deviceId === deviceId) {
        send(session, { type: 'synced', cursor: head });
        continue;
      }
      message ??= encodeGatewayMessage({
        type: 'fanout',
        cursor: head,
        frame: this.#codec.encodeFrame(deviceId, ops, { level: FANOUT_LEVEL, userId, bindUser: true }).bytes,
      });
      session.flow.send(message);
      this.#counters.fanoutFrames += 1;
    }
    this.#fanout.publish({ kind: 'head', userId, head, committedAt: Date.now() });
  }

  /** Sends a just-stored command to its target's subscriptions here and tells the other instances. */
  sendCommand(userId: string, targetDeviceId: string, id: number, entry: SequencedOperation): void {
    for (const session of this.#subscribers.get(userId) ?? []) {
      if (session.deviceId !== targetDeviceId) continue;
      const commands = sentCommands(session);
      if (commands.sent.has(id) || commands.acked.has(id)) continue;
      commands.sent.add(id);
      send(session, { type: 'command', deliveryId: id, frame: this.#commandFrame(entry) });
    }
    this.#fanout.publish({ kind: 'command', userId, deviceId: targetDeviceId, committedAt: Date.now() });
  }

  /**
   * The target acknowledged a command: it leaves the store's box and is never sent again. Only
   * the target's own ack counts; resolves whether one was deleted.
   */
  async acknowledge(session: Session, deliveryId: number): Promise<boolean> {
    const commands = sentCommands(session);
    commands.sent.delete(deliveryId);
    commands.acked.add(deliveryId);
    commands.inFlight += 1;
    try {
      return await this.#store.deleteCommand(deliveryId, session.userId, session.deviceId);
    } finally {
      settle(commands);
    }
  }

  /**
   * Reads each subscribed user's head once and catches up the subscribers behind it; with
   * `commands`, re-reads every subscriber's command box too (after a broker outage). Resolves
   * when every read is done (the catch-ups run on).
   */
  async sweep(options: { readonly commands: boolean }): Promise<void> {
    if (this.#sweeping) return;
    this.#sweeping = true;
    try {
      for (const [userId, sessions] of [...this.#subscribers]) {
        let head: number;
        try {
          head = await this.#store.head(userId);
        } catch {
          // The next sweep tries again; a store failure is reported where frames are written.
          continue;
        }
        for (const session of sessions) {
          if (session.cursor < head) this.#catchUp(session);
          if (options.commands) this.#deliverCommands(session);
        }
      }
    } finally {
      this.#sweeping = false;
    }
  }

  /**
   * Catches up the user's subscribers that are behind the log head. For a re-sent frame found
   * settled: its first commit may have succeeded with the reply lost (a link to PostgreSQL that
   * dropped after COMMIT), so its ops were logged yet sent to no one, and without another write
   * of the user (or a fan-out's sweep) nothing else would send them.
   */
  async catchUpUser(userId: string): Promise<void> {
    if (!this.#subscribers.has(userId)) return;
    const head = await this.#store.head(userId);
    for (const session of this.#subscribers.get(userId) ?? []) {
      if (session.subscribed && session.cursor < head) this.#catchUp(session);
    }
  }

  #onNotice(notice: FanoutNotice): void {
    const sessions = this.#subscribers.get(notice.userId);
    if (sessions === undefined) return;
    for (const session of sessions) {
      if (notice.kind === 'command') {
        if (session.deviceId === notice.deviceId) this.#deliverCommands(session);
        continue;
      }
      if (session.cursor >= notice.head) continue;
      session.lagMark ??= { head: notice.head, committedAt: notice.committedAt };
      this.#catchUp(session);
    }
  }

  /** Sends the target's stored commands that this connection has not been sent yet. */
  #deliverCommands(session: Session): void {
    const commands = sentCommands(session);
    // One read of the box at a time, and one more after it if commands came meanwhile: a read
    // per notice would read the whole box (commands the target has not acked) once per command
    // sent to it, quadratic in a flood from a device on another instance.
    if (commands.reading) {
      commands.readAgain = true;
      return;
    }
    commands.reading = true;
    commands.inFlight += 1;
    void (async () => {
      try {
        do {
          commands.readAgain = false;
          const pending = await this.#store.pendingCommands(session.userId, session.deviceId, this.#now());
          if (!session.subscribed) return;
          for (const command of pending) {
            if (commands.sent.has(command.id) || commands.acked.has(command.id)) continue;
            commands.sent.add(command.id);
            send(session, { type: 'command', deliveryId: command.id, frame: this.#commandFrame(command.entry) });
          }
        } while (commands.readAgain);
      } catch (error) {
        if (session.ws.readyState === session.ws.OPEN) this.#onCatchUpFailure(session, error);
      } finally {
        commands.reading = false;
        commands.readAgain = false;
        settle(commands);
      }
    })();
  }

  #commandFrame(entry: SequencedOperation): Uint8Array {
    return this.#codec.encodeFrame(entry.deviceId, [entry], { level: FANOUT_LEVEL }).bytes;
  }

  /** Starts reading the log after the session's cursor, or makes the running read go on. */
  #catchUp(session: Session): void {
    if (session.catchingUp) {
      session.catchUpAgain = true;
      return;
    }
    session.catchingUp = true;
    void this.#readLog(session);
  }

  /**
   * Sends a subscriber every logged op after its cursor, one frame per run of one device's ops,
   * a page of the log at a time: before reading the next page it waits until the socket has
   * written the previous one, so a slow or stalled device holds at most one page in the
   * gateway's memory instead of its whole log. Stops when the socket closes.
   */
  async #readLog(session: Session): Promise<void> {
    const { ws } = session;
    try {
      do {
        session.catchUpAgain = false;
        for (;;) {
          const page = await this.#store.logAfter(session.userId, session.cursor, this.#limits.logPage);
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
              { level: FANOUT_LEVEL, userId: session.userId, bindUser: true },
            );
            messages.push(encodeGatewayMessage({ type: 'fanout', cursor: last.logSeq, frame: frame.bytes }));
            start = i;
          }
          const lastMessage = messages.pop();
          for (const message of messages) session.flow.send(message);
          this.#counters.fanoutFrames += messages.length + 1;
          session.cursor = page[page.length - 1]?.logSeq ?? session.cursor;
          this.#noteLag(session);
          // Messages are written in order, so once the last is written the whole page is.
          if (lastMessage === undefined || !(await sendAndWait(ws, lastMessage))) return;
        }
        // A commit during the last (empty) read asked for another round; without an await
        // between this check and the end, a commit from here on finds the session up to date.
      } while (session.catchUpAgain);
      session.catchingUp = false;
      if (!session.live) {
        session.live = true;
        send(session, { type: 'synced', cursor: session.cursor });
      }
    } catch (error) {
      session.catchingUp = false;
      // Thrown out of here it would be an unhandled rejection that ends the process.
      if (ws.readyState === ws.OPEN) this.#onCatchUpFailure(session, error);
    }
  }

  #noteLag(session: Session): void {
    const mark = session.lagMark;
    if (mark === undefined || session.cursor < mark.head) return;
    session.lagMark = undefined;
    this.#onFanoutLag(Math.max(0, Date.now() - mark.committedAt));
  }
}

function sentCommands(session: Session): SentCommands {
  session.commands ??= { sent: new Set(), acked: new Set(), inFlight: 0 };
  return session.commands;
}

/** A read or delete finished; with none left in flight, no read can return an acknowledged id. */
function settle(commands: SentCommands): void {
  commands.inFlight -= 1;
  if (commands.inFlight === 0) commands.acked.clear();
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
