// One device of one user in this browser: the IndexedDB outbox, the link to the gateway, the
// replica the page shows, and which tab does the syncing. Every tab of the device runs an
// engine; the one holding the device's Web Lock is the leader (it owns the queue, replays, and
// subscribes), the others are followers (they read the same IndexedDB counts, hand their edits
// to the leader over a BroadcastChannel and show the replica the leader persists). When the
// leader's tab closes the browser drops its lock and the next tab takes over: the ops are in
// IndexedDB, so nothing is lost, and the gateway drops what the old leader had already sent.
//
// A forwarded edit carries its tab's id and a number, and the leader writes "recorded up to n for
// that tab" in the same IndexedDB transaction as the edit's ops. A follower re-sends an edit the
// leader never confirmed to the next leader (or records it itself when it is next), and that
// leader finds the mark and only confirms: stored once even when the old leader closed between
// storing and confirming.
import { type Codec, createCodec } from '@media-sync/codec';
import type { SequencedOperation, SyncOperation } from '@media-sync/protocol';
import {
  createWebSocketPublisher,
  createWebSocketSubscriber,
  type WebSocketPublisher,
  type WebSocketSubscriber,
} from '@media-sync/publisher-websocket';
import type { ConnectionState, Queue, QueueMetrics, StorageAdapter } from '@media-sync/queue';
import { createQueue } from '@media-sync/queue';
import {
  connectReplica,
  createReplicaStore,
  type ExternalSource,
  Listeners,
  type ReplicaConnection,
  type ReplicaStore,
} from '@media-sync/react';
import { UserStateReplica } from '@media-sync/state';
import { createIndexedDbStorage } from '@media-sync/storage-indexeddb';
import { LinkPublisher } from './link-publisher.js';

export interface DeviceConfig {
  readonly userId: string;
  readonly deviceId: string;
  /** Ops per frame (the queue's `maxBatchOps`); small values make a replay many frames. */
  readonly maxBatchOps?: number;
  /**
   * The link's own reconnect delay after it drops (default: 100 ms doubling to 5 s). Whatever it
   * is, the page reconnects at once on `online` and on becoming visible.
   */
  readonly retryMs?: number;
}

/** A command this device received, and how many times the gateway delivered it. */
export interface ReceivedCommand {
  readonly commandId: string;
  readonly commandType: string;
  readonly sourceDeviceId: string;
  readonly payload: unknown;
  readonly deliveries: number;
  readonly receivedAt: number;
}

/** What the leader keeps in localStorage, one key per device, written in one `setItem`. */
interface PersistedView {
  readonly replica: unknown;
  /** The subscriber's log cursor: the catch-up after a reload starts here. */
  readonly cursor: number;
  /** Which log the cursor counts in (the dev server's `log`): another log starts again at 0. */
  readonly log?: string;
  readonly commands: readonly ReceivedCommand[];
}

/** Bytes the link sent against the JSON baseline, over this device's life. */
export interface ByteTotals {
  readonly published: number;
  readonly frames: number;
  readonly bytesWire: number;
  readonly bytesJson: number;
}

type ChannelMessage =
  | { readonly type: 'hello' }
  | { readonly type: 'leader'; readonly tabId: string }
  | { readonly type: 'changed' }
  | { readonly type: 'connection'; readonly state: ConnectionState }
  | { readonly type: 'bytes'; readonly totals: ByteTotals }
  // `from` is the follower's tab id, `n` its forward's number (1, 2, … in the order it sends them).
  | { readonly type: 'enqueue'; readonly from: string; readonly n: number; readonly ops: readonly SyncOperation[] }
  | { readonly type: 'enqueued'; readonly from: string; readonly n: number }
  | { readonly type: 'enqueueFailed'; readonly from: string; readonly n: number; readonly message: string };

/** A follower's edit waiting to be forwarded, and how its `record()` call settles. */
interface WaitingEdit {
  readonly ops: readonly SyncOperation[];
  readonly done: (error?: Error) => void;
}

/** Storage meta key: per follower tab, the highest forward number recorded and when. */
const FORWARDED_META_KEY = 'media-sync-demo:forwarded';
/** A tab that forwarded nothing for a day is gone: its mark is dropped (the meta value stays small). */
const FORWARDED_MARK_TTL_MS = 24 * 60 * 60 * 1000;
type ForwardedMarks = ReadonlyMap<string, { readonly n: number; readonly at: number }>;

export type Role = 'starting' | 'leader' | 'follower';

interface Parts {
  readonly role: Role;
  /** The leader's queue, or a follower's read-only queue on the same IndexedDB (counts only). */
  readonly queue: Queue | null;
}

const ZERO_BYTES: ByteTotals = { published: 0, frames: 0, bytesWire: 0, bytesJson: 0 };

export class DeviceEngine {
  readonly config: DeviceConfig;
  readonly tabId = crypto.randomUUID();
  /** The replica this tab shows (the leader's own; a follower's merges what the leader persisted). */
  readonly replica: ReplicaStore;
  readonly link = new LinkPublisher();
  readonly #channel: BroadcastChannel;
  readonly #keys: { view: string; token: string; bytes: string; lock: string; database: string };
  readonly #changes = new Listeners(() => () => {});
  #parts: Parts = { role: 'starting', queue: null };
  #storage: StorageAdapter | undefined;
  #codec: Promise<Codec> | undefined;
  #commands = new Map<string, ReceivedCommand>();
  #bytes: ByteTotals = ZERO_BYTES;
  #leader: LeaderLink | undefined;
  /** A follower's edits not yet forwarded: sent together once the forward in flight is confirmed. */
  #waiting: WaitingEdit[] = [];
  /** The forward no leader has confirmed yet: re-sent under the same number to the next leader. */
  #inFlight: { readonly n: number; readonly edits: readonly WaitingEdit[] } | undefined;
  #forwards = 0;
  /** The leader's view of `FORWARDED_META_KEY`, as last committed. */
  #forwardedMarks: ForwardedMarks = new Map();
  /** Meta the leader's next append writes in its transaction (with exactly `records` ops). */
  #nextAppendMeta: { readonly records: number; readonly meta: Readonly<Record<string, string>> } | undefined;
  /** The leader's enqueues, one at a time: each append holds one request's ops and its mark. */
  #writes: Promise<unknown> = Promise.resolve();
  /**
   * Tests: called when a forwarded edit is durable, before its follower is told; returning
   * `false` withholds the confirmation, as a leader tab closing at that moment would.
   */
  onForwardStored: (() => boolean) | undefined;
  /** What a follower shows as the connection: the leader's, as it last said. */
  #followerConnection: ConnectionState = 'offline';
  readonly #connectionListeners = new Set<() => void>();
  #closed = false;
  #log: string | undefined;

  constructor(config: DeviceConfig) {
    this.config = config;
    const id = `${encodeURIComponent(config.userId)}:${encodeURIComponent(config.deviceId)}`;
    this.#keys = {
      view: `media-sync-demo:view:${id}`,
      token: `media-sync-demo:token:${id}`,
      bytes: `media-sync-demo:bytes:${id}`,
      lock: `media-sync-demo:leader:${id}`,
      database: `media-sync-demo:${id}`,
    };
    this.replica = createReplicaStore(this.#loadReplica());
    this.#commands = new Map(this.#loadView()?.commands.map((command) => [command.commandId, command]) ?? []);
    this.#bytes = this.#loadBytes();
    this.#channel = new BroadcastChannel(`media-sync-demo:${id}`);
    this.#channel.onmessage = (event: MessageEvent<ChannelMessage>) => void this.#onMessage(event.data);
  }

  /** Opens the outbox and joins the election; resolves once this tab is leader or follower. */
  async start(): Promise<void> {
    this.#storage = await createIndexedDbStorage({ name: this.#keys.database });
    // A leader that cannot start (ids or options the queue refuses) fails start(), so the page
    // can say why; the lock is released then.
    let failStart: (error: unknown) => void = () => {};
    const failed = new Promise<never>((_, reject) => {
      failStart = reject;
    });
    // Held until the tab closes: the browser releases the lock then, and the next tab gets it.
    const lead = () => this.#becomeLeader().then(() => new Promise<void>(() => {}), failStart);
    const elected = await new Promise<boolean>((resolve) => {
      void navigator.locks.request(this.#keys.lock, { ifAvailable: true }, (lock) => {
        resolve(lock !== null);
        return lock === null ? undefined : lead();
      });
    });
    if (!elected) {
      this.#becomeFollower();
      void navigator.locks.request(this.#keys.lock, lead);
    }
    const started = new Promise<void>((resolve) => {
      const off = this.#changes.subscribe(() => {
        if (this.#parts.role === 'starting') return;
        off();
        resolve();
      });
      if (this.#parts.role !== 'starting') {
        off();
        resolve();
      }
    });
    await Promise.race([started, failed]);
  }

  // ---- what the views read -------------------------------------------------------------

  get role(): Role {
    return this.#parts.role;
  }

  get queue(): Queue | null {
    return this.#parts.queue;
  }

  /** Role and queue: a new snapshot when this tab becomes leader. */
  readonly parts: ExternalSource<Parts> = {
    subscribe: (listener) => this.#changes.subscribe(listener),
    getSnapshot: () => this.#parts,
  };

  /** The connection as the hooks read it: the leader's link, or what the leader last said. */
  readonly connection: {
    readonly connectionState: ConnectionState;
    onConnectionState(listener: (state: ConnectionState) => void): () => void;
  } = (() => {
    const state = () => (this.#parts.role === 'leader' ? this.link.connectionState : this.#followerConnection);
    return {
      get connectionState() {
        return state();
      },
      onConnectionState: (listener: (state: ConnectionState) => void) => {
        const wake = () => listener(state());
        const offLink = this.link.onConnectionState(wake);
        this.#connectionListeners.add(wake);
        return () => {
          offLink();
          this.#connectionListeners.delete(wake);
        };
      },
    };
  })();

  readonly bytes: ExternalSource<ByteTotals> = {
    subscribe: (listener) => this.#changes.subscribe(listener),
    getSnapshot: () => this.#bytes,
  };

  readonly commands: ExternalSource<readonly ReceivedCommand[]> = (() => {
    let list: readonly ReceivedCommand[] = [];
    let version = -1;
    return {
      subscribe: (listener: () => void) => this.replica.subscribe(listener),
      getSnapshot: () => {
        if (version !== this.replica.getSnapshot()) {
          version = this.replica.getSnapshot();
          list = [...this.#commands.values()].sort((a, b) => a.receivedAt - b.receivedAt);
        }
        return list;
      },
    };
  })();

  // ---- edits -----------------------------------------------------------------------------

  /** Records ops durably: in the leader's queue, or handed to the leader by a follower. */
  async record(ops: readonly SyncOperation[]): Promise<void> {
    if (this.#parts.role === 'leader') {
      await this.#enqueueAsLeader(ops);
      return;
    }
    await new Promise<void>((resolve, reject) => {
      this.#waiting.push({ ops, done: (error) => (error ? reject(error) : resolve()) });
      this.#forwardNext();
    });
  }

  /** Sends the waiting edits as one forward, unless one is still unconfirmed. */
  #forwardNext(): void {
    if (this.#inFlight !== undefined || this.#waiting.length === 0 || this.#parts.role === 'leader') return;
    this.#inFlight = { n: ++this.#forwards, edits: this.#waiting };
    this.#waiting = [];
    this.#sendInFlight();
  }

  #sendInFlight(): void {
    const forward = this.#inFlight;
    if (forward === undefined) return;
    this.#post({ type: 'enqueue', from: this.tabId, n: forward.n, ops: forward.edits.flatMap((edit) => edit.ops) });
  }

  /**
   * The leader's enqueue, one at a time. A forwarded edit (`from` tab, number `n`) is skipped when
   * the marks say it is recorded already, else enqueued with the new mark in the same transaction.
   * Reading the mark first and writing it with the ops is safe because only the lock holder
   * writes, one request at a time, and IndexedDB orders the old leader's last transaction first.
   */
  #enqueueAsLeader(ops: readonly SyncOperation[], forwarded?: { from: string; n: number }): Promise<void> {
    const write = async () => {
      const queue = this.#parts.queue;
      if (queue === null) throw new Error('the leader has no queue');
      if (forwarded === undefined) {
        await queue.enqueueMany(ops);
        return;
      }
      const seen = this.#forwardedMarks.get(forwarded.from);
      if (seen !== undefined && seen.n >= forwarded.n) return;
      const now = Date.now();
      const marks = new Map([...this.#forwardedMarks].filter(([, mark]) => now - mark.at < FORWARDED_MARK_TTL_MS));
      marks.set(forwarded.from, { n: forwarded.n, at: now });
      this.#nextAppendMeta = { records: ops.length, meta: { [FORWARDED_META_KEY]: JSON.stringify([...marks]) } };
      try {
        await queue.enqueueMany(ops);
      } finally {
        this.#nextAppendMeta = undefined;
      }
      this.#forwardedMarks = marks;
    };
    const done = this.#writes.then(write);
    this.#writes = done.catch(() => undefined);
    return done;
  }

  /** The storage the leader's queue writes through: its appends carry `#nextAppendMeta`. */
  #marking(storage: StorageAdapter): StorageAdapter {
    return {
      ...storage,
      append: (records, meta) => {
        const extra = this.#nextAppendMeta;
        if (extra === undefined) return storage.append(records, meta);
        this.#nextAppendMeta = undefined;
        if (records.length !== extra.records) {
          return Promise.reject(
            new Error(`a forwarded edit of ${extra.records} ops met an append of ${records.length}`),
          );
        }
        return storage.append(records, { ...meta, ...extra.meta });
      },
    };
  }

  /** Drops the link and opens a fresh one now (the `online` and `visibilitychange` handlers). */
  reconnect(): void {
    void this.#leader?.reconnect();
  }

  /** Leaves the link and the election (tests and page unload). */
  async close(): Promise<void> {
    this.#closed = true;
    this.#channel.close();
    await this.#leader?.close();
    await this.#parts.queue?.close();
    await this.#storage?.close();
  }

  // ---- roles -----------------------------------------------------------------------------

  async #becomeLeader(): Promise<void> {
    if (this.#closed) return;
    const storage = this.#storage;
    if (storage === undefined) throw new Error('start() opens the storage first');
    await this.#parts.queue?.close();
    const marks = await storage.getMeta(FORWARDED_META_KEY);
    this.#forwardedMarks = new Map(marks === undefined ? [] : JSON.parse(marks));
    const queue = createQueue({
      deviceId: this.config.deviceId,
      userId: this.config.userId,
      storage: this.#marking(storage),
      publisher: this.link,
      config: this.config.maxBatchOps === undefined ? {} : { maxBatchOps: this.config.maxBatchOps },
    });
    // Our own ops enter the replica the moment they are durable.
    await connectReplica({ store: this.replica, userId: this.config.userId, queue });
    queue.on('framePublished', () => this.#countBytes(queue));
    queue.on('replayed', () => this.#countBytes(queue));
    this.replica.subscribe(() => this.#persistSoon());
    this.link.onConnectionState((state) => this.#post({ type: 'connection', state }));
    queue.startAutoReplay();
    this.#leader = new LeaderLink(this);
    this.#parts = { role: 'leader', queue };
    this.#changes.notify();
    for (const wake of this.#connectionListeners) wake();
    this.#post({ type: 'leader', tabId: this.tabId });
    // Edits this tab handed to the old leader and never heard back about: recorded here now,
    // unless the old leader stored them before it closed (the mark says so).
    const inFlight = this.#inFlight;
    this.#inFlight = undefined;
    if (inFlight !== undefined) {
      const ops = inFlight.edits.flatMap((edit) => edit.ops);
      this.#enqueueAsLeader(ops, { from: this.tabId, n: inFlight.n }).then(
        () => {
          for (const edit of inFlight.edits) edit.done();
        },
        (error: Error) => {
          for (const edit of inFlight.edits) edit.done(error);
        },
      );
    }
    for (const edit of this.#waiting.splice(0)) {
      this.#enqueueAsLeader(edit.ops).then(
        () => edit.done(),
        (error: Error) => edit.done(error),
      );
    }
    await this.#leader.reconnect();
  }

  #becomeFollower(): void {
    if (this.#parts.role !== 'starting') return;
    const storage = this.#storage;
    if (storage === undefined) return;
    // Read-only: this queue never enqueues nor replays; it reads the counts of the shared outbox.
    const queue = createQueue({ deviceId: this.config.deviceId, userId: this.config.userId, storage });
    this.#parts = { role: 'follower', queue };
    this.#changes.notify();
    this.#post({ type: 'hello' });
  }

  async #onMessage(message: ChannelMessage): Promise<void> {
    const leader = this.#parts.role === 'leader';
    switch (message.type) {
      case 'hello':
        if (leader) {
          this.#post({ type: 'connection', state: this.link.connectionState });
          this.#post({ type: 'bytes', totals: this.#bytes });
          this.#post({ type: 'changed' });
        }
        return;
      case 'leader':
        if (this.#parts.role === 'starting') this.#becomeFollower();
        // A new leader: what the old one never confirmed goes to it, under the same number.
        this.#sendInFlight();
        return;
      case 'changed':
        if (!leader) this.#mergePersisted();
        return;
      case 'connection':
        if (!leader) {
          this.#followerConnection = message.state;
          for (const wake of this.#connectionListeners) wake();
        }
        return;
      case 'bytes':
        if (!leader) {
          this.#bytes = message.totals;
          this.#changes.notify();
        }
        return;
      case 'enqueue': {
        if (!leader) return;
        const { from, n } = message;
        try {
          await this.#enqueueAsLeader(message.ops, { from, n });
        } catch (error) {
          this.#post({ type: 'enqueueFailed', from, n, message: (error as Error).message });
          return;
        }
        if (this.onForwardStored?.() !== false) this.#post({ type: 'enqueued', from, n });
        return;
      }
      case 'enqueued':
      case 'enqueueFailed': {
        const forward = this.#inFlight;
        if (message.from !== this.tabId || forward?.n !== message.n) return;
        this.#inFlight = undefined;
        const error = message.type === 'enqueued' ? undefined : new Error(message.message);
        for (const edit of forward.edits) edit.done(error);
        this.#forwardNext();
        return;
      }
    }
  }

  #post(message: ChannelMessage): void {
    if (!this.#closed) this.#channel.postMessage(message);
  }

  // ---- persistence -----------------------------------------------------------------------

  #persistScheduled = false;

  #persistSoon(): void {
    if (this.#persistScheduled) return;
    this.#persistScheduled = true;
    queueMicrotask(() => {
      this.#persistScheduled = false;
      this.persistNow();
    });
  }

  /** Writes the replica, the cursor and the commands in one `setItem`, then tells the followers. */
  persistNow(): void {
    const view: PersistedView = {
      replica: this.replica.replica.snapshot(),
      cursor: this.#leader?.cursor ?? this.#loadView()?.cursor ?? 0,
      ...(this.persistedLog === undefined ? {} : { log: this.persistedLog }),
      commands: [...this.#commands.values()],
    };
    localStorage.setItem(this.#keys.view, JSON.stringify(view));
    this.#post({ type: 'changed' });
  }

  get persistedCursor(): number {
    return this.#loadView()?.cursor ?? 0;
  }

  /** The log the persisted cursor counts in; set by the leader when it connects to a log. */
  get persistedLog(): string | undefined {
    return this.#log ?? this.#loadView()?.log;
  }

  set persistedLog(log: string) {
    this.#log = log;
  }

  #loadView(): PersistedView | undefined {
    const text = localStorage.getItem(this.#keys.view);
    return text === null ? undefined : (JSON.parse(text) as PersistedView);
  }

  #loadReplica(): UserStateReplica {
    const view = this.#loadView();
    return view === undefined
      ? new UserStateReplica({ userId: this.config.userId })
      : UserStateReplica.fromJSON(view.replica, { userId: this.config.userId });
  }

  #mergePersisted(): void {
    const view = this.#loadView();
    if (view === undefined) return;
    this.#commands = new Map(view.commands.map((command) => [command.commandId, command]));
    this.replica.merge(UserStateReplica.fromJSON(view.replica, { userId: this.config.userId }));
    // Commands may change without the replica changing: tell the views all the same.
    this.replica.update(() => undefined);
  }

  #loadBytes(): ByteTotals {
    const text = localStorage.getItem(this.#keys.bytes);
    return text === null ? ZERO_BYTES : (JSON.parse(text) as ByteTotals);
  }

  #bytesBase: ByteTotals | undefined;

  #countBytes(queue: Queue): void {
    this.#bytesBase ??= this.#loadBytes();
    const metrics: QueueMetrics = queue.metrics();
    this.#bytes = {
      published: this.#bytesBase.published + metrics.published,
      frames: this.#bytesBase.frames + metrics.frames,
      bytesWire: this.#bytesBase.bytesWire + metrics.bytesWire,
      bytesJson: this.#bytesBase.bytesJson + metrics.bytesJson,
    };
    localStorage.setItem(this.#keys.bytes, JSON.stringify(this.#bytes));
    this.#post({ type: 'bytes', totals: this.#bytes });
    this.#changes.notify();
  }

  // ---- for LeaderLink --------------------------------------------------------------------

  codec(): Promise<Codec> {
    this.#codec ??= createCodec();
    return this.#codec;
  }

  /**
   * A token for this device, minted by the dev server (`/api/token`, loopback only) on every
   * connect; the copy kept in localStorage is used only when the server cannot be reached. A kept
   * token alone would outlive the server that minted it: a restarted `media-sync web` signs with
   * a new secret and runs its gateway on a new port, and the page would stay offline for a day.
   */
  async token(): Promise<{ token: string; url: string; log?: string }> {
    const query = new URLSearchParams({ user: this.config.userId, device: this.config.deviceId });
    let response: Response | undefined;
    try {
      response = await fetch(`./api/token?${query}`, { cache: 'no-store' });
    } catch {
      response = undefined; // no network: the kept token, below
    }
    if (response?.ok === true) {
      const minted = (await response.json()) as { token: string; url: string; expiresAt: number; log?: string };
      localStorage.setItem(this.#keys.token, JSON.stringify(minted));
      return minted;
    }
    const cached = localStorage.getItem(this.#keys.token);
    if (cached !== null) {
      const parsed = JSON.parse(cached) as { token: string; url: string; expiresAt: number; log?: string };
      if (parsed.expiresAt > Date.now() + 60_000) return parsed;
    }
    throw new Error(
      `the dev server gave no token: ${response === undefined ? 'unreachable' : `HTTP ${response.status}`}`,
    );
  }

  /** A command frame for this device arrived (once per delivery). */
  received(ops: readonly SequencedOperation[], command: boolean): void {
    if (!command) return;
    for (const { op } of ops) {
      if (op.type !== 'deviceCommand' || op.targetDeviceId !== this.config.deviceId) continue;
      const known = this.#commands.get(op.commandId);
      this.#commands.set(op.commandId, {
        commandId: op.commandId,
        commandType: op.commandType,
        sourceDeviceId: op.sourceDeviceId,
        payload: op.payload,
        deliveries: (known?.deliveries ?? 0) + 1,
        receivedAt: known?.receivedAt ?? Date.now(),
      });
    }
    // Written before the frame counts as consumed: the gateway forgets a command once acked.
    this.persistNow();
    this.replica.update(() => undefined);
  }
}

/** The leader's link to the gateway: a publisher and a subscriber, replaced as a pair. */
class LeaderLink {
  readonly #engine: DeviceEngine;
  #publisher: WebSocketPublisher | undefined;
  #subscriber: WebSocketSubscriber | undefined;
  #replicaConnection: ReplicaConnection | undefined;
  #generation = 0;
  #cursor: number;

  constructor(engine: DeviceEngine) {
    this.#engine = engine;
    this.#cursor = engine.persistedCursor;
  }

  get cursor(): number {
    return this.#subscriber?.cursor ?? this.#cursor;
  }

  /** Closes the current link and, when the browser is online, opens a new one at once. */
  async reconnect(): Promise<void> {
    const generation = ++this.#generation;
    await this.#drop();
    if (!navigator.onLine || generation !== this.#generation) return;
    let credentials: { token: string; url: string; log?: string };
    try {
      credentials = await this.#engine.token();
    } catch {
      return; // The dev server is unreachable: offline for now; `online` will try again.
    }
    // A cursor counts positions in one log: a gateway on another database (a restarted
    // `media-sync web` with a fresh one) would send only what lies after it, and miss the rest.
    if (credentials.log !== undefined && credentials.log !== this.#engine.persistedLog) {
      this.#cursor = 0;
      this.#engine.persistedLog = credentials.log;
    }
    const codec = await this.#engine.codec();
    if (generation !== this.#generation) return;
    const { retryMs } = this.#engine.config;
    const backoff = retryMs === undefined ? {} : { backoff: { initialMs: retryMs, maxMs: retryMs } };
    const publisher = createWebSocketPublisher({ url: credentials.url, token: credentials.token, codec, ...backoff });
    const subscriber = createWebSocketSubscriber({
      url: credentials.url,
      token: credentials.token,
      since: this.#cursor,
      ...backoff,
    });
    this.#publisher = publisher;
    this.#subscriber = subscriber;
    this.#engine.link.use(publisher);
    this.#replicaConnection = await connectReplica({
      store: this.#engine.replica,
      userId: this.#engine.config.userId,
      subscriber,
      codec,
      onFrame: (frame, ops) => this.#engine.received(ops, frame.transportId?.startsWith('command:') === true),
    });
  }

  async #drop(): Promise<void> {
    const publisher = this.#publisher;
    const subscriber = this.#subscriber;
    const connection = this.#replicaConnection;
    if (subscriber !== undefined) this.#cursor = subscriber.cursor;
    this.#publisher = undefined;
    this.#subscriber = undefined;
    this.#replicaConnection = undefined;
    this.#engine.link.use(undefined);
    await connection?.close();
    await Promise.all([publisher?.close(), subscriber?.close()]);
    this.#engine.persistNow();
  }

  async close(): Promise<void> {
    this.#generation += 1;
    await this.#drop();
  }
}
