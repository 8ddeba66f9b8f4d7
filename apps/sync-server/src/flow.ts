import type { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';
import type { GatewayLimits } from './limits.js';
import type { SyncServerLogger } from './logger.js';
import type { LimitCounters } from './session.js';

/** One complete message a connection sent, waiting for its turn. */
interface Inbound {
  readonly data: Uint8Array;
  readonly isBinary: boolean;
  /** `performance.now()` when the whole message had arrived (ACK latency counts from here). */
  readonly receivedAt: number;
}

/** How long one drain of the inbound queues may run before the event loop gets to read sockets again. */
const SLICE_MS = 8;
/**
 * Outbound bytes a connection may have queued without counting toward `maxTotalOutboundBytes`:
 * the default high-water mark of a Node.js socket, below which a write completes with no 'drain'.
 */
const OUTBOUND_UNCOUNTED_BYTES = 16 * 1024;
/** A connection's budget debt is capped, so a client that once sent a burst is not last forever. */
const MAX_DEBT_FACTOR = 8;

/**
 * The inbound side of all connections. Received messages wait in their connection's queue and
 * are handled one at a time, always from the connection that has spent the least of its
 * event-loop budget lately (a token bucket of `cpuMsPerSecond`, `cpuBurstMs`). Work goes on
 * while any message waits, so a lone client gets the whole gateway; when several compete, a
 * device that sends one frame now and then is served before a client that sent three hundred.
 * Draining yields to the event loop every few milliseconds, so sockets are read meanwhile.
 */
export class InboundScheduler {
  readonly #limits: GatewayLimits;
  readonly #counters: LimitCounters;
  readonly #log: SyncServerLogger;
  readonly #flows = new Set<ConnectionFlow>();
  /**
   * Connections with received messages waiting: the only ones a drain looks at, so picking the
   * next message costs what is waiting, not what is connected (10 000 idle devices cost nothing).
   */
  readonly #waiting = new Set<ConnectionFlow>();
  /** Connections opened so far: ties for the next turn go to the longest connected. */
  #opened = 0;
  #scheduled = false;
  /** A drain is under way (it may wait for a handler): a scheduled one runs after it. */
  #draining = false;
  #drainAgain = false;
  #heldBytes = 0;
  #queuedOutBytes = 0;
  /** Messages whose handling waits for the store. */
  readonly #handling = new Set<Promise<void>>();
  /** Handlers wait for a server's answers (see `GatewayStore.waitsForIo`): the drain does not wait for them. */
  readonly #handlersWaitForIo: boolean;

  constructor(
    limits: GatewayLimits,
    counters: LimitCounters,
    log: SyncServerLogger,
    options: { readonly handlersWaitForIo?: boolean } = {},
  ) {
    this.#limits = limits;
    this.#counters = counters;
    this.#log = log;
    this.#handlersWaitForIo = options.handlersWaitForIo ?? false;
  }

  /** Inbound bytes all connections hold together: unfinished messages and queued ones. */
  get heldBytes(): number {
    return this.#heldBytes;
  }

  /** Outbound bytes counted as queued for all connections together (see `maxTotalOutboundBytes`). */
  get queuedOutboundBytes(): number {
    return this.#queuedOutBytes;
  }

  /**
   * Takes over a connection's inbound side: its messages go to `handle` in turn. `socket` is the
   * connection's TCP socket, to see when its replies drained.
   */
  open(
    ws: WebSocket,
    socket: Duplex,
    identity: Record<string, unknown>,
    handle: (data: Uint8Array, isBinary: boolean, receivedAt: number) => void | Promise<void>,
  ): ConnectionFlow {
    const flow = new ConnectionFlow(this, ws, socket, identity, handle);
    flow.order = this.#opened++;
    this.#flows.add(flow);
    return flow;
  }

  get limits(): GatewayLimits {
    return this.#limits;
  }

  get counters(): LimitCounters {
    return this.#counters;
  }

  get log(): SyncServerLogger {
    return this.#log;
  }

  /** Resolves once no message is being handled (those that waited for the store are done). */
  async idle(): Promise<void> {
    while (this.#handling.size > 0) await Promise.allSettled([...this.#handling]);
  }

  /** Tracks a message being handled until it is done. */
  handling(done: Promise<void>): void {
    this.#handling.add(done);
    const forget = () => {
      this.#handling.delete(done);
    };
    void done.then(forget, forget);
  }

  /** `flow` has received messages to handle (`false`: it has none left). */
  waiting(flow: ConnectionFlow, has: boolean): void {
    if (has) this.#waiting.add(flow);
    else this.#waiting.delete(flow);
  }

  forget(flow: ConnectionFlow): void {
    this.#flows.delete(flow);
    this.#waiting.delete(flow);
  }

  /** A connection's held bytes changed by `delta`; past the global budget the biggest holder goes. */
  held(delta: number): void {
    this.#heldBytes += delta;
    if (delta <= 0 || this.#heldBytes <= this.#limits.maxInboundBytes) return;
    this.#cutBiggest(
      (flow) => flow.heldBytes,
      this.#limits.maxInboundBytes,
      (flow) => {
        this.#counters.inboundOverBudget += 1;
        this.#log.warn(
          { ...flow.identity, heldBytes: flow.heldBytes, allHeldBytes: this.#heldBytes },
          'connection closed: inbound budget of all connections used up',
        );
        flow.shut(1013, 'gateway busy: too many bytes held', 0);
      },
    );
  }

  /**
   * A connection's counted outbound bytes changed by `delta`; past the budget of all connections
   * the ones with the most queued go, cut at once, until the rest fit.
   */
  queuedOut(delta: number): void {
    this.#queuedOutBytes += delta;
    if (delta <= 0 || this.#queuedOutBytes <= this.#limits.maxTotalOutboundBytes) return;
    this.#cutBiggest(
      (flow) => flow.queuedOutBytes,
      this.#limits.maxTotalOutboundBytes,
      (flow) => {
        this.#counters.outboundOverBudget += 1;
        this.#log.warn(
          { ...flow.identity, queuedBytes: flow.queuedOutBytes, allQueuedBytes: this.#queuedOutBytes },
          'connection closed: outbound budget of all connections used up',
        );
        flow.shut(1013, 'gateway busy: too many bytes queued', 0);
      },
    );
  }

  /**
   * Cuts the connections holding the most (by `holding`) until the others together hold no more
   * than `budget`. Connections already closing are not counted: what they hold is freed within a tick.
   */
  #cutBiggest(holding: (flow: ConnectionFlow) => number, budget: number, cut: (flow: ConnectionFlow) => void): void {
    let live = 0;
    for (const flow of this.#flows) if (!flow.closing) live += holding(flow);
    while (live > budget) {
      let biggest: ConnectionFlow | undefined;
      for (const flow of this.#flows) {
        if (!flow.closing && (biggest === undefined || holding(flow) > holding(biggest))) biggest = flow;
      }
      if (biggest === undefined) return;
      live -= holding(biggest);
      cut(biggest);
    }
  }

  schedule(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    setImmediate(() => {
      this.#scheduled = false;
      if (this.#draining) {
        this.#drainAgain = true;
        return;
      }
      void this.#drain();
    });
  }

  /**
   * Handles messages for one slice. A handler that waits only for the store's answers already
   * given (SQLite) finishes within the slice and its time is charged to its connection; one that
   * waits for I/O (PostgreSQL) goes on beside the next connections' messages.
   */
  async #drain(): Promise<void> {
    this.#draining = true;
    try {
      await this.#drainSlice();
    } finally {
      this.#draining = false;
      if (this.#drainAgain) {
        this.#drainAgain = false;
        this.schedule();
      }
    }
  }

  async #drainSlice(): Promise<void> {
    const started = performance.now();
    for (;;) {
      const now = performance.now();
      if (now - started >= SLICE_MS) {
        this.schedule();
        return;
      }
      let next: ConnectionFlow | undefined;
      for (const flow of this.#waiting) {
        if (!flow.ready) continue;
        flow.refill(now);
        // The most budget left goes first; on a tie, the connection opened first (the order of
        // `#waiting` is when each last had a message, which would favour clients that never pause).
        if (next === undefined || flow.tokens > next.tokens || (flow.tokens === next.tokens && flow.order < next.order))
          next = flow;
      }
      if (next === undefined) return;
      const handling = next.handleNext();
      // Waiting a turn for each such handler handed one message per turn of the event loop: with
      // 1 000 one-op devices on PostgreSQL, frames queued here for hundreds of ms, and each
      // frame's dedupe read went alone (the reads asked in one turn share a statement). Its
      // synchronous part is charged by `handleNext`; the rest runs after the server answers.
      if (handling !== undefined && !this.#handlersWaitForIo) {
        const handed = performance.now();
        // A handler never rejects; if one did, the drain goes on all the same.
        await Promise.race([handling.catch(() => undefined), nextTurn()]);
        next.charge(performance.now() - handed);
      }
    }
  }
}

/** Resolves in the event loop's next turn (after pending I/O callbacks). */
function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * One connection's bounded flow: its queue of received messages, its event-loop budget, the
 * watch on unfinished messages, the bound on bytes queued for it, and its run of ERROR replies.
 */
export class ConnectionFlow {
  readonly identity: Record<string, unknown>;
  /** When it was opened among all connections (ties in the scheduler go to the lower). */
  order = 0;
  readonly #scheduler: InboundScheduler;
  readonly #ws: WebSocket;
  readonly #socket: Duplex;
  readonly #handle: (data: Uint8Array, isBinary: boolean, receivedAt: number) => void | Promise<void>;
  readonly #inbox: Inbound[] = [];
  #inboxBytes = 0;
  #partialBytes = 0;
  #partialTimer: ReturnType<typeof setTimeout> | undefined;
  #waitingForDrain = false;
  /** Outbound bytes this connection counts toward `maxTotalOutboundBytes` (0 below its socket's high-water mark). */
  #queuedOut = 0;
  /** A 'drain' listener is set to recount `#queuedOut` once the socket emptied. */
  #recountOnDrain = false;
  /** A message's handling is under way (it waits for the store): the next one waits for it. */
  #handling = false;
  #readingPaused = false;
  #errorsInRow = 0;
  #lastRefill = performance.now();
  tokens: number;
  closing = false;

  constructor(
    scheduler: InboundScheduler,
    ws: WebSocket,
    socket: Duplex,
    identity: Record<string, unknown>,
    handle: (data: Uint8Array, isBinary: boolean, receivedAt: number) => void | Promise<void>,
  ) {
    this.#scheduler = scheduler;
    this.#ws = ws;
    this.#socket = socket;
    this.identity = identity;
    this.#handle = handle;
    this.tokens = scheduler.limits.cpuBurstMs;
    ws.on('message', (data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean) =>
      this.#receive(toBytes(data), isBinary),
    );
    // Registered after ws's own listener, so ws has parsed the chunk when this runs.
    socket.on('data', () => this.#watchPartial());
    ws.on('close', () => this.#closed());
  }

  /** Bytes this connection makes the gateway hold: an unfinished message and queued messages. */
  get heldBytes(): number {
    return this.#partialBytes + this.#inboxBytes;
  }

  /** Outbound bytes this connection counts toward the budget of all connections. */
  get queuedOutBytes(): number {
    return this.#queuedOut;
  }

  /** Has a message to handle and may be served now. */
  get ready(): boolean {
    return this.#inbox.length > 0 && !this.#handling && !this.#waitingForDrain && !this.closing;
  }

  refill(now: number): void {
    const { cpuMsPerSecond, cpuBurstMs } = this.#scheduler.limits;
    this.tokens = Math.min(cpuBurstMs, this.tokens + ((now - this.#lastRefill) * cpuMsPerSecond) / 1000);
    this.#lastRefill = now;
  }

  /**
   * Handles the oldest queued message and charges its event-loop time to this connection. A
   * handler that returns a promise holds the connection's next message back until it settles,
   * so one connection's messages are handled in order; the promise is returned.
   */
  handleNext(): Promise<void> | undefined {
    const message = this.#inbox.shift();
    if (this.#inbox.length === 0) this.#scheduler.waiting(this, false);
    if (message === undefined) return undefined;
    this.#inboxBytes -= message.data.length;
    this.#scheduler.held(-message.data.length);
    if (this.#readingPaused && this.#inboxBytes <= this.#scheduler.limits.maxMessageBytes) {
      this.#readingPaused = false;
      this.#ws.resume();
    }
    const started = performance.now();
    try {
      const handling = this.#handle(message.data, message.isBinary, message.receivedAt);
      if (handling === undefined) return undefined;
      this.#handling = true;
      this.#scheduler.handling(handling);
      const next = () => {
        this.#handling = false;
        this.#scheduler.schedule();
      };
      void handling.then(next, next);
      return handling;
    } finally {
      this.charge(performance.now() - started);
    }
  }

  /**
   * Charges event-loop time spent for this connection after its message was handed over (the
   * work of a frame that resumes once the store answered), so the budget sees what a client costs.
   */
  charge(ms: number): void {
    this.tokens = Math.max(this.tokens - ms, -MAX_DEBT_FACTOR * this.#scheduler.limits.cpuBurstMs);
  }

  /**
   * Sends bytes unless that would queue more than `maxOutboundBytes` for a peer that does not
   * read: then the connection is closed (1013). Past a quarter of it the gateway reads no more of
   * the peer's messages (each would add a reply) until its socket drained.
   */
  send(bytes: Uint8Array): void {
    if (this.closing || this.#ws.readyState !== this.#ws.OPEN) return;
    const limits = this.#scheduler.limits;
    if (this.#ws.bufferedAmount + bytes.length > limits.maxOutboundBytes) {
      this.#scheduler.counters.outboundOverLimit += 1;
      this.#scheduler.log.warn(
        {
          ...this.identity,
          bufferedBytes: this.#ws.bufferedAmount,
        },
        'connection closed: it does not read its replies',
      );
      this.shut(1013, 'not reading: too many bytes queued');
      return;
    }
    this.#ws.send(bytes);
    this.#countQueuedOut();
    if (!this.#waitingForDrain && this.#ws.bufferedAmount >= limits.maxOutboundBytes / 4) {
      this.#waitingForDrain = true;
      this.#scheduler.counters.outboundPaused += 1;
      this.#socket.once('drain', () => {
        this.#waitingForDrain = false;
        this.#scheduler.schedule();
      });
    }
  }

  /**
   * Counts what is queued for the socket toward the budget of all connections. Below the socket's
   * high-water mark a write finishes without a 'drain' event to say so, so such small amounts are
   * not counted (each connection holds at most that); above it, 'drain' comes once all was
   * written, and the count is taken again then.
   */
  #countQueuedOut(): void {
    const buffered = this.#ws.bufferedAmount;
    const counted = buffered > OUTBOUND_UNCOUNTED_BYTES ? buffered : 0;
    const delta = counted - this.#queuedOut;
    this.#queuedOut = counted;
    if (counted > 0 && !this.#recountOnDrain) {
      this.#recountOnDrain = true;
      this.#socket.once('drain', () => {
        this.#recountOnDrain = false;
        if (!this.closing) this.#countQueuedOut();
      });
    }
    if (delta !== 0) this.#scheduler.queuedOut(delta);
  }

  noteAck(): void {
    this.#errorsInRow = 0;
  }

  /** A client that keeps sending what the gateway cannot use is closed (1008). */
  noteError(): void {
    this.#errorsInRow += 1;
    if (this.#errorsInRow < this.#scheduler.limits.maxErrorsInRow || this.closing) return;
    this.#scheduler.counters.errorsInRow += 1;
    this.#scheduler.log.warn(
      {
        ...this.identity,
        errors: this.#errorsInRow,
      },
      'connection closed: too many bad messages in a row',
    );
    this.shut(1008, 'too many bad messages');
  }

  /**
   * Closes with `code`, drops what is queued, and cuts the socket if the peer does not finish the
   * close handshake within `graceMs`: a client that is refused does not get to hold memory
   * meanwhile (over the inbound budget the socket is cut at once).
   */
  shut(code: number, reason: string, graceMs = this.#scheduler.limits.closeGraceMs): void {
    if (this.closing) return;
    this.closing = true;
    this.#dropInbox();
    this.#ws.close(code, reason);
    // A connection cut at once (over a budget of all connections) no longer counts against the
    // budgets: otherwise, until its socket closes a tick later, the bytes it held would push the others out too.
    if (graceMs === 0) {
      this.#setPartial(0);
      this.#scheduler.queuedOut(-this.#queuedOut);
      this.#queuedOut = 0;
    }
    const cut = setTimeout(() => this.#ws.terminate(), graceMs);
    cut.unref();
    this.#ws.once('close', () => clearTimeout(cut));
  }

  #receive(data: Uint8Array, isBinary: boolean): void {
    // The message completed: whatever was unfinished is now queued (or the next one starts).
    this.#setPartial(0);
    if (this.closing) return;
    const limits = this.#scheduler.limits;
    if (this.#inbox.length > 0) this.#scheduler.counters.messagesDeferred += 1;
    this.#inbox.push({ data, isBinary, receivedAt: performance.now() });
    this.#scheduler.waiting(this, true);
    this.#inboxBytes += data.length;
    this.#scheduler.held(data.length);
    if (!this.#readingPaused && this.#inboxBytes > limits.maxMessageBytes) {
      // ws may still emit the rest of the chunk it is parsing; then the socket stays unread.
      this.#readingPaused = true;
      this.#ws.pause();
    }
    this.#scheduler.schedule();
  }

  /** After ws parsed a chunk: does it hold part of a message, and since when. */
  #watchPartial(): void {
    if (this.closing) return;
    const held = unfinishedBytes(this.#ws);
    this.#setPartial(held);
    if (held === 0) return;
    this.#partialTimer ??= setTimeout(() => {
      this.#partialTimer = undefined;
      if (unfinishedBytes(this.#ws) === 0 || this.closing) return;
      this.#scheduler.counters.incompleteMessages += 1;
      this.#scheduler.log.warn(
        {
          ...this.identity,
          heldBytes: unfinishedBytes(this.#ws),
        },
        'connection closed: message not finished in time',
      );
      this.shut(1008, 'message not finished in time');
    }, this.#scheduler.limits.incompleteMessageMs);
    this.#partialTimer.unref();
  }

  #setPartial(bytes: number): void {
    if (bytes === 0 && this.#partialTimer !== undefined) {
      clearTimeout(this.#partialTimer);
      this.#partialTimer = undefined;
    }
    this.#scheduler.held(bytes - this.#partialBytes);
    this.#partialBytes = bytes;
  }

  #dropInbox(): void {
    this.#scheduler.held(-this.#inboxBytes);
    this.#inbox.length = 0;
    this.#scheduler.waiting(this, false);
    this.#inboxBytes = 0;
  }

  #closed(): void {
    this.closing = true;
    this.#scheduler.queuedOut(-this.#queuedOut);
    this.#queuedOut = 0;
    this.#dropInbox();
    this.#setPartial(0);
    this.#scheduler.forget(this);
  }
}

/**
 * Bytes ws holds of a message that has not completed: the payload of its fragments so far and
 * the received part of the frame being read. ws has no public accessor for these; its receiver
 * keeps them in `_totalPayloadLength` and `_bufferedBytes` (ws 8). The hostile-client tests
 * fail if a ws upgrade renames them.
 */
function unfinishedBytes(ws: WebSocket): number {
  const receiver = (ws as unknown as { _receiver?: { _totalPayloadLength?: number; _bufferedBytes?: number } })
    ._receiver;
  return (receiver?._totalPayloadLength ?? 0) + (receiver?._bufferedBytes ?? 0);
}

function toBytes(data: Buffer | ArrayBuffer | Buffer[]): Uint8Array {
  if (Array.isArray(data)) return Buffer.concat(data);
  return data instanceof ArrayBuffer ? new Uint8Array(data) : data;
}
