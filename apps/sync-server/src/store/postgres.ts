import type { SequencedOperation } from '@media-sync/protocol';
import pg from 'pg';
import { SyncServerError } from '../errors.js';
import { type CodedRange, normalize, type SeqRange } from '../seq-ranges.js';
import type {
  FrameWrite,
  FrameWriteResult,
  GatewayStore,
  LogEntry,
  PendingCommand,
  SnapshotWrite,
  StoredCommand,
  StoredSnapshot,
} from './contract.js';
import { migrationError } from './migrations.js';
import { intersect, withoutSettled } from './trim.js';

export interface PostgresGatewayStoreOptions {
  /** `postgres://user:password@host:5432/database`; `?schema=NAME` picks the schema (default `public`). */
  readonly url: string;
  /** Schema of the gateway's tables, created if missing; overrides the URL's `schema`. Default `public`. */
  readonly schema?: string;
  /** Most connections the gateway opens. Default 10. */
  readonly maxConnections?: number;
  /** How long a query may wait for a connection before it fails (an outage). Default 5 000 ms. */
  readonly connectTimeoutMs?: number;
  /**
   * How long a query may wait for the server's answer before it fails and its connection is
   * dropped. A server that stops answering without closing the link (a partition, a frozen
   * host) would otherwise hold the frame, and the connection, until TCP gives up. Default 30 000 ms.
   */
  readonly queryTimeoutMs?: number;
}

/**
 * Drops a gateway schema and everything in it (a benchmark's or a test run's), on the server at
 * `url`. The name is quoted as an identifier, so any name is taken literally.
 */
export async function dropPostgresSchema(url: string, schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS ${pg.escapeIdentifier(schema)} CASCADE`);
  } finally {
    await client.end();
  }
}

/**
 * Versioned migrations, applied in order on start, each recorded in `schema_migrations`. A
 * migration is never edited once released; a change is a new entry.
 */
const MIGRATIONS: readonly string[] = [
  // 1: the gateway's state. `user_heads` holds each user's log head: its row is the lock that
  // orders the writers of one user.
  `CREATE TABLE user_heads (user_id text PRIMARY KEY, head bigint NOT NULL);
   CREATE TABLE oplog (
     user_id text NOT NULL, log_seq bigint NOT NULL, device_id text NOT NULL, seq bigint NOT NULL,
     entry text NOT NULL, PRIMARY KEY (user_id, log_seq));
   CREATE TABLE snapshots (user_id text PRIMARY KEY, log_seq bigint NOT NULL, state text NOT NULL);
   CREATE TABLE devices (user_id text NOT NULL, device_id text NOT NULL, PRIMARY KEY (user_id, device_id));
   CREATE TABLE commands (
     id bigserial PRIMARY KEY, user_id text NOT NULL, target_device_id text NOT NULL,
     source_device_id text NOT NULL, expires_at bigint NOT NULL, entry text NOT NULL);
   CREATE INDEX commands_by_target ON commands (user_id, target_device_id, id);
   CREATE INDEX commands_by_source ON commands (user_id, source_device_id);
   CREATE INDEX commands_by_expiry ON commands (expires_at);
   CREATE TABLE settled_ranges (
     user_id text NOT NULL, device_id text NOT NULL, first_seq bigint NOT NULL, last_seq bigint NOT NULL,
     PRIMARY KEY (user_id, device_id, first_seq));
   CREATE TABLE rejected_ranges (
     user_id text NOT NULL, device_id text NOT NULL, first_seq bigint NOT NULL, last_seq bigint NOT NULL,
     code text NOT NULL, PRIMARY KEY (user_id, device_id, first_seq));`,
];

/** The schema version this gateway writes (and the highest it can read). */
export const POSTGRES_SCHEMA_VERSION = MIGRATIONS.length;

/** bigint columns come back as numbers: positions and seqs stay far below 2^53. */
const TYPES = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === pg.types.builtins.INT8 ? Number : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

type Queryable = Pick<pg.PoolClient, 'query'>;

/** Tries of a transaction PostgreSQL aborted for a deadlock or a serialization conflict. */
const TRANSACTION_ATTEMPTS = 3;

interface RangeRow {
  first_seq: number;
  last_seq: number;
}

interface CodedRow extends RangeRow {
  code: string;
}

/**
 * The gateway's durable state in PostgreSQL, shared by any number of gateway processes. Each
 * group of frames `writeFrames` gets (a flush of the gateway: frames of many users) is one
 * transaction (READ COMMITTED) that first takes its users' `user_heads` rows with row locks, in
 * sorted order, so writers of one user queue up there and two groups never deadlock: the log
 * positions it allocates and the settled seqs it checks are those of the last committed writer.
 * Reads run in parallel, on up to `maxConnections` connections.
 *
 * Open it with `PostgresGatewayStore.open`, which runs the migrations.
 */
export class PostgresGatewayStore implements GatewayStore {
  readonly kind = 'postgres';
  readonly waitsForIo = true;
  readonly #pool: pg.Pool;
  readonly #settledReads: BatchedReads<SettledWindow, RangeRow[]>;
  readonly #logReads: BatchedReads<LogWindow, LogEntry[]>;
  readonly #snapshotReads: BatchedReads<string, StoredSnapshot | undefined>;
  readonly #storedBytesReads: BatchedReads<{ userId: string; deviceId: string }, number>;
  #closed: Promise<void> | undefined;

  private constructor(pool: pg.Pool) {
    this.#pool = pool;
    this.#settledReads = new BatchedReads((windows) => settledAround(pool, windows));
    this.#logReads = new BatchedReads((windows) => logsAfter(pool, windows));
    this.#snapshotReads = new BatchedReads((userIds) => snapshotsOf(pool, userIds));
    this.#storedBytesReads = new BatchedReads((devices) => storedBytesOf(pool, devices));
  }

  /**
   * Connects, creates the schema if missing and migrates it. Fails with SyncServerError
   * STORE_URL (not a PostgreSQL URL), STORE_UNREACHABLE (no server, refused login, no such
   * database) or SCHEMA_TOO_NEW (migrated by a newer gateway), having changed nothing.
   */
  static async open(options: PostgresGatewayStoreOptions): Promise<PostgresGatewayStore> {
    const { connectionString, schema } = parseUrl(options.url, options.schema);
    const pool = new pg.Pool({
      connectionString,
      max: options.maxConnections ?? 10,
      connectionTimeoutMillis: options.connectTimeoutMs ?? 5_000,
      query_timeout: options.queryTimeoutMs ?? 30_000,
      keepAlive: true,
      // Every connection works in the gateway's schema.
      options: `-c search_path=${quoteIdent(schema)}`,
      types: TYPES,
      application_name: 'media-sync-gateway',
    });
    // An idle connection that the server drops (restart, outage) must not end the process: the
    // pool replaces it, and the queries of the outage fail on their own.
    pool.on('error', () => {});
    const store = new PostgresGatewayStore(pool);
    try {
      await store.#migrate(schema, redact(connectionString));
    } catch (error) {
      await pool.end().catch(() => {});
      throw translateOpenError(redact(connectionString), error);
    }
    return store;
  }

  async head(userId: string): Promise<number> {
    const { rows } = await this.#pool.query<{ head: number }>('SELECT head FROM user_heads WHERE user_id = $1', [
      userId,
    ]);
    return rows[0]?.head ?? 0;
  }

  /**
   * The reads of one turn of the event loop (the dedupe reads of the frames that arrived
   * together) go to the server as one statement, as do `logAfter` and `snapshot`.
   */
  async settledIn(userId: string, deviceId: string, first: number, last: number): Promise<SeqRange[]> {
    return clipped(await this.#settledReads.read({ userId, deviceId, lo: first, hi: last }), first, last);
  }

  async rejectedIn(
    userId: string,
    deviceId: string,
    first: number,
    last: number,
    limit: number,
  ): Promise<CodedRange[]> {
    const { rows } = await this.#pool.query<CodedRow>(
      `(SELECT first_seq, last_seq, code FROM rejected_ranges WHERE user_id = $1 AND device_id = $2 AND first_seq <= $3
        ORDER BY first_seq DESC LIMIT 1)
       UNION ALL
       (SELECT first_seq, last_seq, code FROM rejected_ranges WHERE user_id = $1 AND device_id = $2 AND first_seq > $3
        AND first_seq <= $4 ORDER BY first_seq LIMIT $5)`,
      [userId, deviceId, first, last, limit],
    );
    const out: CodedRange[] = [];
    for (const row of rows) {
      if (row.last_seq < first || out.length >= limit) continue;
      out.push({ firstSeq: Math.max(row.first_seq, first), lastSeq: Math.min(row.last_seq, last), code: row.code });
    }
    return out;
  }

  async registerDevice(userId: string, deviceId: string): Promise<void> {
    await this.#pool.query('INSERT INTO devices (user_id, device_id) VALUES ($1, $2) ON CONFLICT DO NOTHING', [
      userId,
      deviceId,
    ]);
  }

  snapshot(userId: string): Promise<StoredSnapshot | undefined> {
    return this.#snapshotReads.read(userId);
  }

  async putSnapshot(userId: string, logSeq: number, state: string): Promise<void> {
    await this.#pool.query(
      `INSERT INTO snapshots (user_id, log_seq, state) VALUES ($1, $2, $3)
       ON CONFLICT (user_id) DO UPDATE SET log_seq = excluded.log_seq, state = excluded.state
       WHERE excluded.log_seq >= snapshots.log_seq`,
      [userId, logSeq, state],
    );
  }

  logAfter(userId: string, logSeq: number, limit: number): Promise<LogEntry[]> {
    return this.#logReads.read({ userId, after: logSeq, limit });
  }

  storedBytes(userId: string, deviceId: string): Promise<number> {
    return this.#storedBytesReads.read({ userId, deviceId });
  }

  /**
   * Commits the whole group in ONE transaction of a few statements whatever its size (the user
   * heads locked in one statement, the settled ranges read in one, every write in one), so the
   * commit's round trips and its sync are shared by all the frames of a flush: they then succeed
   * or fail together. A group that fails for another reason than the server (a frame PostgreSQL
   * refuses) is written again frame by frame, so one bad frame fails alone. A deadlock or
   * serialization failure is retried; whatever fails is reported, never half written. Snapshots
   * are written after the frames, in one statement of their own (a failed snapshot fails no
   * frame: the next start replays a little more log).
   */
  async writeFrames(
    frames: readonly FrameWrite[],
    snapshots: readonly SnapshotWrite[],
  ): Promise<PromiseSettledResult<FrameWriteResult>[]> {
    const states = snapshots.map((snapshot) => ({ ...snapshot, json: snapshot.state() }));
    let outcomes: PromiseSettledResult<FrameWriteResult>[] = [];
    if (frames.length > 0) {
      try {
        const results = await this.#retried(() =>
          this.#transaction((client) => writeGroup(client, frames), { begins: true }),
        );
        outcomes = results.map((value) => ({ status: 'fulfilled', value }));
      } catch (reason) {
        outcomes =
          frames.length > 1 && !isServerFailure(reason)
            ? await this.#writeEach(frames)
            : frames.map(() => ({ status: 'rejected', reason }));
      }
    }
    if (states.length > 0) {
      await this.#pool
        .query(
          `INSERT INTO snapshots (user_id, log_seq, state)
           SELECT DISTINCT ON (u) u, l, s FROM unnest($1::text[], $2::bigint[], $3::text[]) AS t(u, l, s)
           ORDER BY u, l DESC
           ON CONFLICT (user_id) DO UPDATE SET log_seq = excluded.log_seq, state = excluded.state
           WHERE excluded.log_seq >= snapshots.log_seq`,
          [states.map((state) => state.userId), states.map((state) => state.logSeq), states.map((state) => state.json)],
        )
        .catch(() => {});
    }
    return outcomes;
  }

  /** Each frame in a transaction of its own: frames of one user in order, users in parallel. */
  async #writeEach(frames: readonly FrameWrite[]): Promise<PromiseSettledResult<FrameWriteResult>[]> {
    const byUser = new Map<string, number[]>();
    frames.forEach((frame, i) => {
      const indexes = byUser.get(frame.userId);
      if (indexes) indexes.push(i);
      else byUser.set(frame.userId, [i]);
    });
    const outcomes: PromiseSettledResult<FrameWriteResult>[] = new Array(frames.length);
    await Promise.all(
      [...byUser.values()].map(async (indexes) => {
        for (const i of indexes) {
          try {
            const [value] = await this.#retried(() =>
              this.#transaction((client) => writeGroup(client, [frames[i] as FrameWrite]), { begins: true }),
            );
            outcomes[i] = { status: 'fulfilled', value: value as FrameWriteResult };
          } catch (reason) {
            outcomes[i] = { status: 'rejected', reason };
          }
        }
      }),
    );
    return outcomes;
  }

  /**
   * Runs a transaction again when PostgreSQL aborted it to break a deadlock or a serialization
   * conflict (nothing of it was committed). The heads are locked in one order, so neither is
   * expected; should one persist the error goes to the caller (INTERNAL: the client re-sends).
   */
  async #retried<T>(transaction: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await transaction();
      } catch (error) {
        const code = (error as { code?: unknown }).code;
        if (attempt >= TRANSACTION_ATTEMPTS || (code !== '40P01' && code !== '40001')) throw error;
      }
    }
  }

  async pendingCommands(userId: string, deviceId: string, now: number): Promise<PendingCommand[]> {
    await this.#pool.query('DELETE FROM commands WHERE expires_at < $1', [now]);
    const { rows } = await this.#pool.query<{ id: number; entry: string; expires_at: number }>(
      'SELECT id, entry, expires_at FROM commands WHERE user_id = $1 AND target_device_id = $2 ORDER BY id',
      [userId, deviceId],
    );
    return rows.map((row) => ({
      id: row.id,
      entry: JSON.parse(row.entry) as SequencedOperation,
      expiresAt: row.expires_at,
    }));
  }

  async deleteCommand(id: number, userId: string, deviceId: string): Promise<boolean> {
    const result = await this.#pool.query(
      'DELETE FROM commands WHERE id = $1 AND user_id = $2 AND target_device_id = $3',
      [id, userId, deviceId],
    );
    return (result.rowCount ?? 0) > 0;
  }

  close(): Promise<void> {
    this.#closed ??= this.#pool.end();
    return this.#closed;
  }

  /** Runs `work` in a transaction on one connection; a connection that failed is discarded. */
  async #transaction<T>(
    work: (client: pg.PoolClient) => Promise<T>,
    options: { readonly begins?: boolean } = {},
  ): Promise<T> {
    const client = await this.#pool.connect();
    let broken: Error | undefined;
    // A link that drops while the client is checked out fails the query under way, and pg also
    // emits `error` on the client: unheard, that would end the process (the pool listens only
    // to idle clients). The connection is then discarded at release.
    const onError = (error: Error) => {
      broken = error;
    };
    client.on('error', onError);
    try {
      if (options.begins !== true) await client.query('BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      try {
        await client.query('ROLLBACK');
      } catch (rollbackError) {
        broken = rollbackError as Error;
      }
      throw error;
    } finally {
      client.off('error', onError);
      client.release(broken);
    }
  }

  /**
   * Creates the schema and applies the migrations it lacks, under an advisory lock, so gateways
   * that start together migrate once. A schema newer than this gateway knows is refused.
   */
  async #migrate(schema: string, where: string): Promise<void> {
    await this.#transaction(async (client) => {
      await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`media-sync gateway schema ${schema}`]);
      await client.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(schema)}`);
      await client.query(
        'CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())',
      );
      const { rows } = await client.query<{ version: number | null }>(
        'SELECT max(version) AS version FROM schema_migrations',
      );
      const version = rows[0]?.version ?? 0;
      if (version > POSTGRES_SCHEMA_VERSION) {
        throw migrationError(`${where} schema ${schema}`, version, POSTGRES_SCHEMA_VERSION);
      }
      for (let next = version + 1; next <= POSTGRES_SCHEMA_VERSION; next++) {
        await client.query(MIGRATIONS[next - 1] as string);
        await client.query('INSERT INTO schema_migrations (version) VALUES ($1)', [next]);
      }
    });
  }
}

/** A device's settled ranges around a group's frames, as read and as the group leaves them. */
interface DeviceRanges {
  readonly userId: string;
  readonly deviceId: string;
  /** The stored rows that may meet the group's seqs (`rangesAround` of lo..hi). */
  readonly read: RangeRow[];
  lo: number;
  hi: number;
  /** The read rows plus what the group's frames settled so far, normalized. */
  now: SeqRange[];
}

/**
 * A group of frames inside its transaction, in a handful of statements whatever its size:
 *
 * 1. every user's `user_heads` row is locked, in one order (sorted ids), so two gateways
 *    locking overlapping sets of users queue up instead of deadlocking; a writer of one of these
 *    users elsewhere waits until this transaction commits, and this one waited for theirs;
 * 2. the settled ranges around the frames' seqs are read, after the locks, so they are those of
 *    the last committed writer (READ COMMITTED takes a new snapshot per statement);
 * 3. the frames are applied in memory in order: each one's seqs are checked against what is
 *    stored and what the frames before it settled, its log positions follow the head it finds;
 * 4. the log rows, heads, settled ranges and commands are written in one statement;
 * 5. rejections (rare: a refused op) are merged per frame.
 */
async function writeGroup(client: Queryable, frames: readonly FrameWrite[]): Promise<FrameWriteResult[]> {
  const userIds = [...new Set(frames.map((frame) => frame.userId))];
  const devices = new Map<string, DeviceRanges>();
  for (const frame of frames) {
    const wanted = normalize(frame.settled);
    if (wanted.length === 0) continue;
    const lo = (wanted[0] as SeqRange).first - 1;
    const hi = (wanted[wanted.length - 1] as SeqRange).last + 1;
    const key = `${frame.userId}\u0000${frame.deviceId}`;
    const known = devices.get(key);
    if (known) {
      known.lo = Math.min(known.lo, lo);
      known.hi = Math.max(known.hi, hi);
    } else {
      devices.set(key, { userId: frame.userId, deviceId: frame.deviceId, read: [], lo, hi, now: [] });
    }
  }
  const windows = [...devices.values()];
  // BEGIN, the locks and the settled read in one message (one round trip of the group's three:
  // the commit loop is serial, so its round trips bound a gateway's frames per second). A
  // message of several statements takes no parameters: its values go as quoted literals. Each
  // statement still takes its own snapshot, so the read sees what the lock holders committed.
  const text = [
    'BEGIN',
    `INSERT INTO user_heads (user_id, head)
     SELECT u, 0 FROM unnest(${textArray(userIds)}) AS t(u) ORDER BY u COLLATE "C"
     ON CONFLICT (user_id) DO UPDATE SET head = user_heads.head RETURNING user_id, head`,
    ...(windows.length === 0 ? [] : [settledAroundSql(windows)]),
  ].join(';\n');
  const answers = (await client.query(text)) as unknown as pg.QueryResult[];
  const locked = answers[1] as pg.QueryResult<{ user_id: string; head: number }>;
  const heads = new Map(locked.rows.map((row) => [row.user_id, row.head]));
  const firstHeads = new Map(heads);
  if (windows.length > 0) {
    const rows = settledRowsByWindow(windows.length, (answers[2] as pg.QueryResult<RangeRow & { i: number }>).rows);
    windows.forEach((device, i) => {
      device.read.push(...(rows[i] as RangeRow[]));
      device.now = normalize(device.read.map((row) => ({ first: row.first_seq, last: row.last_seq })));
    });
  }

  const results: FrameWriteResult[] = [];
  // The log rows: per frame with ops its user and head, and its entries as one JSON array; all
  // the arrays in one JSON document `[[entry, …], …]`, a flat string made natively and sent as it
  // is, where a text array of the entries would be escaped element by element and concatenated
  // (with 500-op frames that string building and its garbage cost more than the rest of the
  // commit). The server keeps each entry's text exactly (json, not jsonb): it is the entry's
  // JSON.stringify, the bytes counted toward the quota.
  const logged = {
    userIds: [] as string[],
    heads: [] as number[],
    entries: [] as string[],
    /** Per frame, how many entries the frames before it log: its entries are rows offset + 1…. */
    offsets: [] as number[],
    deviceIds: [] as string[],
    seqs: [] as number[],
  };
  const commands: { into: StoredCommand[]; userId: string; command: FrameWrite['commands'][number]; json: string }[] =
    [];
  const rejections: { userId: string; deviceId: string; rejected: readonly CodedRange[] }[] = [];
  for (const frame of frames) {
    const wanted = normalize(frame.settled);
    const device = devices.get(`${frame.userId}\u0000${frame.deviceId}`);
    const alreadySettled = device === undefined ? [] : intersect(wanted, device.now);
    const write = withoutSettled(frame, alreadySettled);
    const previousHead = heads.get(frame.userId) ?? 0;
    let storedBytes = 0;
    const stored: StoredCommand[] = [];
    if (write.stateOps.length > 0) {
      const entries = JSON.stringify(write.stateOps);
      // `[a,b,c]` is each entry's own JSON.stringify, with a comma between and brackets around.
      storedBytes += entries.length - 2 - (write.stateOps.length - 1);
      logged.userIds.push(frame.userId);
      logged.heads.push(previousHead);
      logged.entries.push(entries);
      logged.offsets.push(logged.deviceIds.length);
      for (const entry of write.stateOps) {
        logged.deviceIds.push(entry.deviceId);
        logged.seqs.push(entry.seq);
      }
    }
    heads.set(frame.userId, previousHead + write.stateOps.length);
    if (device !== undefined && write.settled.length > 0) device.now = normalize([...device.now, ...write.settled]);
    for (const command of write.commands) {
      const json = JSON.stringify(command.entry);
      storedBytes += json.length;
      commands.push({ into: stored, userId: frame.userId, command, json });
    }
    if (write.rejected.length > 0) {
      rejections.push({ userId: frame.userId, deviceId: frame.deviceId, rejected: write.rejected });
    }
    results.push({
      previousHead,
      headLogSeq: previousHead + write.stateOps.length,
      logged: write.stateOps,
      commands: stored,
      storedBytes,
      alreadySettled,
    });
  }

  const statement = new GroupStatement();
  if (logged.entries.length > 0) {
    // Each frame's array is parsed once (json_array_elements slices the document, keeping each
    // entry's text). An entry's device and seq come as arrays of their own, row n the entry
    // `ord` of a frame whose entries follow `before` others: read from the JSON (`->>`), every
    // string of the entry would be unescaped, and PostgreSQL refuses a \u0000 in text (a §2
    // content id may hold a NUL: such a frame failed, and was re-sent, for ever).
    statement.part(
      'logged',
      `INSERT INTO oplog (user_id, log_seq, device_id, seq, entry)
       SELECT h.user_id, h.head + e.ord, d.device_id, d.seq, e.value::text
       FROM unnest(${statement.param(logged.userIds)}::text[], ${statement.param(logged.heads)}::bigint[],
         ${statement.param(logged.offsets)}::bigint[]) WITH ORDINALITY AS h(user_id, head, before, i)
       JOIN json_array_elements(${statement.param(`[${logged.entries.join(',')}]`)}::json) WITH ORDINALITY AS f(entries, i)
         USING (i)
       CROSS JOIN LATERAL json_array_elements(f.entries) WITH ORDINALITY AS e(value, ord)
       JOIN unnest(${statement.param(logged.deviceIds)}::text[], ${statement.param(logged.seqs)}::bigint[])
         WITH ORDINALITY AS d(device_id, seq, n) ON d.n = h.before + e.ord`,
    );
    const moved = [...heads].filter(([userId, head]) => firstHeads.get(userId) !== head);
    statement.part(
      'moved',
      `UPDATE user_heads SET head = t.head
       FROM unnest(${statement.param(moved.map(([userId]) => userId))}::text[], ${statement.param(moved.map(([, head]) => head))}::bigint[]) AS t(user_id, head)
       WHERE user_heads.user_id = t.user_id`,
    );
  }
  // Per device, the stored rows the group's ranges overlap or touch are replaced by their union:
  // a row whose start no longer starts a range is deleted, a range that is new or grew is
  // upserted (the statement's parts do not see each other's changes, so no start is both).
  const removed = { userIds: [] as string[], deviceIds: [] as string[], firsts: [] as number[] };
  const upserted = {
    userIds: [] as string[],
    deviceIds: [] as string[],
    firsts: [] as number[],
    lasts: [] as number[],
  };
  for (const device of devices.values()) {
    const before = new Map(device.read.map((row) => [row.first_seq, row.last_seq]));
    const firsts = new Set(device.now.map((range) => range.first));
    for (const row of device.read) {
      if (firsts.has(row.first_seq)) continue;
      removed.userIds.push(device.userId);
      removed.deviceIds.push(device.deviceId);
      removed.firsts.push(row.first_seq);
    }
    for (const range of device.now) {
      if (before.get(range.first) === range.last) continue;
      upserted.userIds.push(device.userId);
      upserted.deviceIds.push(device.deviceId);
      upserted.firsts.push(range.first);
      upserted.lasts.push(range.last);
    }
  }
  if (removed.firsts.length > 0) {
    statement.part(
      'unsettled',
      `DELETE FROM settled_ranges USING unnest(${statement.param(removed.userIds)}::text[],
         ${statement.param(removed.deviceIds)}::text[], ${statement.param(removed.firsts)}::bigint[]) AS t(u, d, f)
       WHERE settled_ranges.user_id = t.u AND settled_ranges.device_id = t.d AND settled_ranges.first_seq = t.f`,
    );
  }
  if (upserted.firsts.length > 0) {
    statement.part(
      'settled',
      `INSERT INTO settled_ranges (user_id, device_id, first_seq, last_seq)
       SELECT * FROM unnest(${statement.param(upserted.userIds)}::text[], ${statement.param(upserted.deviceIds)}::text[],
         ${statement.param(upserted.firsts)}::bigint[], ${statement.param(upserted.lasts)}::bigint[])
       ON CONFLICT (user_id, device_id, first_seq) DO UPDATE SET last_seq = excluded.last_seq`,
    );
  }
  if (commands.length > 0) {
    // Ids come from a sequence in the order of the rows inserted, which ORDER BY fixes: sorted,
    // they are the commands' ids in the group's order.
    statement.part(
      'queued',
      `INSERT INTO commands (user_id, target_device_id, source_device_id, expires_at, entry)
       SELECT u, t, s, x, e FROM unnest(${statement.param(commands.map((each) => each.userId))}::text[],
         ${statement.param(commands.map((each) => each.command.targetDeviceId))}::text[],
         ${statement.param(commands.map((each) => each.command.entry.deviceId))}::text[],
         ${statement.param(commands.map((each) => each.command.expiresAt))}::bigint[],
         ${statement.param(commands.map((each) => each.json))}::text[]) WITH ORDINALITY AS c(u, t, s, x, e, ord)
       ORDER BY ord RETURNING id`,
    );
  }
  const ids = await statement.run(client, commands.length > 0 ? 'queued' : undefined);
  ids.sort((a, b) => a - b);
  commands.forEach((each, i) => {
    each.into.push({
      id: ids[i] as number,
      targetDeviceId: each.command.targetDeviceId,
      entry: each.command.entry,
    });
  });
  for (const { userId, deviceId, rejected } of rejections) await mergeRejected(client, userId, deviceId, rejected);
  return results;
}

/** Every device's stored settled rows around its lo..hi, in one statement (two index seeks each). */
/** A device's seqs lo..hi, to read the settled ranges around. */
interface SettledWindow {
  readonly userId: string;
  readonly deviceId: string;
  readonly lo: number;
  readonly hi: number;
}

/**
 * The stored settled rows that may meet each window (`rangesAround` of each), in one statement:
 * two index seeks per window. `[i]` holds window i's rows, sorted.
 */
async function settledAround(client: Queryable, windows: readonly SettledWindow[]): Promise<RangeRow[][]> {
  const { rows } = await client.query<RangeRow & { i: number }>(settledAroundSql(windows));
  return settledRowsByWindow(windows.length, rows);
}

/** The statement of `settledAround`, its values quoted in it (it also goes in a message of several). */
function settledAroundSql(windows: readonly SettledWindow[]): string {
  return `SELECT w.i, r.first_seq, r.last_seq
     FROM unnest(${textArray(windows.map((window) => window.userId))}, ${textArray(windows.map((window) => window.deviceId))},
       ${bigintArray(windows.map((window) => window.lo))}, ${bigintArray(windows.map((window) => window.hi))})
       WITH ORDINALITY AS w(u, d, lo, hi, i)
     CROSS JOIN LATERAL (
       (SELECT first_seq, last_seq FROM settled_ranges WHERE user_id = w.u AND device_id = w.d AND first_seq <= w.lo
        ORDER BY first_seq DESC LIMIT 1)
       UNION ALL
       (SELECT first_seq, last_seq FROM settled_ranges WHERE user_id = w.u AND device_id = w.d AND first_seq > w.lo
        AND first_seq <= w.hi ORDER BY first_seq)) AS r
     ORDER BY w.i, r.first_seq`;
}

function settledRowsByWindow(count: number, rows: readonly (RangeRow & { i: number })[]): RangeRow[][] {
  const out: RangeRow[][] = Array.from({ length: count }, () => []);
  for (const row of rows) out[row.i - 1]?.push({ first_seq: row.first_seq, last_seq: row.last_seq });
  return out;
}

/** `ARRAY['a', 'b']::text[]`, each element quoted by pg (E'…' with quotes and backslashes escaped). */
function textArray(values: readonly string[]): string {
  return `ARRAY[${values.map((value) => pg.escapeLiteral(value)).join(',')}]::text[]`;
}

/** `ARRAY[1, 2]::bigint[]` of safe integers (checked: nothing else is written into the statement). */
function bigintArray(values: readonly number[]): string {
  for (const value of values) {
    if (!Number.isSafeInteger(value)) throw new TypeError(`not a safe integer: ${value}`);
  }
  return `ARRAY[${values.join(',')}]::bigint[]`;
}

/** A user's log after a position, at most `limit` entries. */
interface LogWindow {
  readonly userId: string;
  readonly after: number;
  readonly limit: number;
}

/** Each window's log entries, in one statement (an index range scan per window). */
async function logsAfter(client: Queryable, windows: readonly LogWindow[]): Promise<LogEntry[][]> {
  const { rows } = await client.query<{ i: number; log_seq: number; entry: string }>(
    `SELECT w.i, o.log_seq, o.entry
     FROM unnest($1::text[], $2::bigint[], $3::bigint[]) WITH ORDINALITY AS w(u, after, lim, i)
     CROSS JOIN LATERAL (SELECT log_seq, entry FROM oplog WHERE user_id = w.u AND log_seq > w.after
       ORDER BY log_seq LIMIT w.lim) AS o
     ORDER BY w.i, o.log_seq`,
    [
      windows.map((window) => window.userId),
      windows.map((window) => window.after),
      windows.map((window) => window.limit),
    ],
  );
  const out: LogEntry[][] = windows.map(() => []);
  for (const row of rows) {
    out[row.i - 1]?.push({ logSeq: row.log_seq, entry: JSON.parse(row.entry) as SequencedOperation });
  }
  return out;
}

/** Each user's snapshot, in one statement. */
async function snapshotsOf(client: Queryable, userIds: readonly string[]): Promise<(StoredSnapshot | undefined)[]> {
  const { rows } = await client.query<{ i: number; log_seq: number; state: string }>(
    `SELECT w.i, s.log_seq, s.state FROM unnest($1::text[]) WITH ORDINALITY AS w(u, i)
     JOIN snapshots AS s ON s.user_id = w.u`,
    [userIds],
  );
  const out: (StoredSnapshot | undefined)[] = userIds.map(() => undefined);
  for (const row of rows) out[row.i - 1] = { logSeq: row.log_seq, state: row.state };
  return out;
}

/** Bytes of log entries and pending commands each device stored, in one statement. */
/**
 * An entry's length as the write counted it (its JSON.stringify's `length`, UTF-16 code units):
 * PostgreSQL's `length` counts characters, one per character beyond U+FFFF where JavaScript
 * counts two, so those are counted again (the regular expression only for text that is not ASCII).
 */
const JSON_TEXT_LENGTH = `CASE WHEN octet_length(entry) = length(entry) THEN length(entry)
  ELSE 2 * length(entry) - length(regexp_replace(entry, '[\\U00010000-\\U0010FFFF]', '', 'g')) END`;

async function storedBytesOf(
  client: Queryable,
  devices: readonly { userId: string; deviceId: string }[],
): Promise<number[]> {
  const { rows } = await client.query<{ i: number; n: number }>(
    `SELECT w.i,
       (SELECT coalesce(sum(${JSON_TEXT_LENGTH}), 0) FROM oplog WHERE user_id = w.u AND device_id = w.d)
       + (SELECT coalesce(sum(${JSON_TEXT_LENGTH}), 0) FROM commands WHERE user_id = w.u AND source_device_id = w.d) AS n
     FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS w(u, d, i)`,
    [devices.map((device) => device.userId), devices.map((device) => device.deviceId)],
  );
  const out = devices.map(() => 0);
  for (const row of rows) out[row.i - 1] = Number(row.n);
  return out;
}

/**
 * Reads asked for in one turn of the event loop, sent as one statement when the turn ends: with
 * many devices each frame, fan-out notice and user load costs the gateway a query of its own
 * otherwise (the socket write and the protocol work of each, and a pooled connection), which
 * was most of its time on PostgreSQL. A failed statement fails each read of it.
 */
class BatchedReads<Request, Result> {
  readonly #readAll: (requests: readonly Request[]) => Promise<Result[]>;
  #waiting: { request: Request; resolve: (result: Result) => void; reject: (error: unknown) => void }[] = [];

  constructor(readAll: (requests: readonly Request[]) => Promise<Result[]>) {
    this.#readAll = readAll;
  }

  read(request: Request): Promise<Result> {
    return new Promise((resolve, reject) => {
      this.#waiting.push({ request, resolve, reject });
      if (this.#waiting.length === 1) setImmediate(() => void this.#flush());
    });
  }

  async #flush(): Promise<void> {
    const batch = this.#waiting;
    this.#waiting = [];
    try {
      const results = await this.#readAll(batch.map((waiting) => waiting.request));
      for (const [i, waiting] of batch.entries()) waiting.resolve(results[i] as Result);
    } catch (error) {
      for (const waiting of batch) waiting.reject(error);
    }
  }
}

/**
 * Data-modifying statements on different rows, sent as one: each part is a `WITH` query
 * (PostgreSQL runs every one of them once, referenced or not).
 */
class GroupStatement {
  readonly #params: unknown[] = [];
  readonly #parts: string[] = [];

  /** The placeholder of a new parameter. */
  param(value: unknown): string {
    this.#params.push(value);
    return `$${this.#params.length}`;
  }

  part(name: string, sql: string): void {
    this.#parts.push(`${name} AS (${sql})`);
  }

  /** Runs the parts; the ids `returning` (a part's name) returned. */
  async run(client: Queryable, returning: string | undefined): Promise<number[]> {
    if (this.#parts.length === 0) return [];
    const tail = returning === undefined ? 'SELECT 1 AS id WHERE false' : `SELECT id FROM ${returning}`;
    const { rows } = await client.query<{ id: number }>(`WITH ${this.#parts.join(',\n')} ${tail}`, this.#params);
    return rows.map((row) => row.id);
  }
}

/**
 * Adds rejected ranges of newly settled seqs (so they overlap no stored rejection), each merged
 * with a stored neighbour of the same code that it touches.
 */
async function mergeRejected(
  client: Queryable,
  userId: string,
  deviceId: string,
  added: readonly CodedRange[],
): Promise<void> {
  const sorted = [...added].sort((a, b) => a.firstSeq - b.firstSeq);
  const lo = (sorted[0] as CodedRange).firstSeq - 1;
  const hi = Math.max(...sorted.map((range) => range.lastSeq)) + 1;
  const rows = await rangesAround<CodedRow>(client, 'rejected_ranges', userId, deviceId, lo, hi);
  const neighbours = rows.filter((row) => row.last_seq >= lo);
  const all = [
    ...neighbours.map((row) => ({ first: row.first_seq, last: row.last_seq, code: row.code })),
    ...sorted.map((range) => ({ first: range.firstSeq, last: range.lastSeq, code: range.code })),
  ].sort((a, b) => a.first - b.first);
  const merged: { first: number; last: number; code: string }[] = [];
  for (const range of all) {
    const previous = merged[merged.length - 1];
    if (previous !== undefined && previous.code === range.code && range.first <= previous.last + 1) {
      previous.last = Math.max(previous.last, range.last);
    } else {
      merged.push({ ...range });
    }
  }
  await replaceRejected(client, userId, deviceId, neighbours, merged);
}

/** The rows' parts inside first..last, as sorted ranges. */
function clipped(rows: readonly RangeRow[], first: number, last: number): SeqRange[] {
  const out: SeqRange[] = [];
  for (const row of rows) {
    if (row.last_seq < first || row.first_seq > last) continue;
    out.push({ first: Math.max(row.first_seq, first), last: Math.min(row.last_seq, last) });
  }
  return out;
}

/**
 * The stored ranges that may meet lo..hi: the last one starting at or before `lo` plus those
 * starting inside (ranges are disjoint and sorted: two index seeks, no scan).
 */
async function rangesAround<Row extends RangeRow>(
  client: Queryable,
  table: 'settled_ranges' | 'rejected_ranges',
  userId: string,
  deviceId: string,
  lo: number,
  hi: number,
): Promise<Row[]> {
  const columns = table === 'rejected_ranges' ? 'first_seq, last_seq, code' : 'first_seq, last_seq';
  const { rows } = await client.query<Row>(
    `(SELECT ${columns} FROM ${table} WHERE user_id = $1 AND device_id = $2 AND first_seq <= $3
      ORDER BY first_seq DESC LIMIT 1)
     UNION ALL
     (SELECT ${columns} FROM ${table} WHERE user_id = $1 AND device_id = $2 AND first_seq > $3 AND first_seq <= $4
      ORDER BY first_seq)`,
    [userId, deviceId, lo, hi],
  );
  return rows;
}

/**
 * Replaces `old` rejected rows of the device with `ranges`, in one statement: old rows whose start
 * is not a new range's start are deleted, the new ranges upserted (the statement's parts do not
 * see each other's changes, so no start is deleted and inserted).
 */
async function replaceRejected(
  client: Queryable,
  userId: string,
  deviceId: string,
  old: readonly RangeRow[],
  ranges: readonly { first: number; last: number; code: string }[],
): Promise<void> {
  const firsts = ranges.map((range) => range.first);
  const lasts = ranges.map((range) => range.last);
  const removed = old.map((row) => row.first_seq);
  await client.query(
    `WITH removed AS (
       DELETE FROM rejected_ranges WHERE user_id = $1 AND device_id = $2
       AND first_seq = ANY($3::bigint[]) AND NOT first_seq = ANY($4::bigint[]))
     INSERT INTO rejected_ranges (user_id, device_id, first_seq, last_seq, code)
     SELECT $1, $2, f, l, c FROM unnest($4::bigint[], $5::bigint[], $6::text[]) AS t(f, l, c)
     ON CONFLICT (user_id, device_id, first_seq) DO UPDATE SET last_seq = excluded.last_seq, code = excluded.code`,
    [userId, deviceId, removed, firsts, lasts, ranges.map((range) => range.code)],
  );
}

function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

const SCHEMA_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

/** The URL without the gateway's own `schema` parameter, and the schema. */
function parseUrl(url: string, schemaOption: string | undefined): { connectionString: string; schema: string } {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (error) {
    throw new SyncServerError('STORE_URL', `not a PostgreSQL URL: ${JSON.stringify(redactText(url))}`, {
      cause: error,
    });
  }
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') {
    throw new SyncServerError(
      'STORE_URL',
      `not a PostgreSQL URL (scheme ${parsed.protocol}): expected postgres://user@host:5432/database`,
    );
  }
  if (parsed.hostname === '') {
    throw new SyncServerError('STORE_URL', `the PostgreSQL URL ${redact(url)} names no host`);
  }
  const schema = schemaOption ?? parsed.searchParams.get('schema') ?? 'public';
  if (!SCHEMA_NAME.test(schema)) {
    throw new SyncServerError(
      'STORE_URL',
      `schema ${JSON.stringify(schema)} is not a plain identifier (letters, digits, _; at most 63)`,
    );
  }
  // PostgreSQL reserves pg_* (CREATE SCHEMA fails with a bare SQL error) and owns
  // information_schema (a superuser's gateway would create its tables among the catalog's views).
  if (/^pg_/i.test(schema) || schema.toLowerCase() === 'information_schema') {
    throw new SyncServerError('STORE_URL', `schema ${JSON.stringify(schema)} is one of PostgreSQL's own; pick another`);
  }
  // pg lets the URL's `options` override the pool's, so a libpq-style search_path there would put
  // the tables in another schema than the one migrated, locked and named in messages.
  if (/search_path/i.test(parsed.searchParams.get('options') ?? '')) {
    throw new SyncServerError(
      'STORE_URL',
      `the PostgreSQL URL ${redact(url)} sets search_path in options: pick the schema with ?schema=NAME`,
    );
  }
  parsed.searchParams.delete('schema');
  return { connectionString: parsed.toString(), schema };
}

/** The URL with its password masked, for messages. */
function redact(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '***';
    return parsed.toString();
  } catch {
    return redactText(url);
  }
}

function redactText(text: string): string {
  return text.replace(/:[^:@/]*@/, ':***@');
}

/** SQLSTATE classes and socket errors that mean the server was not reached or refused the gateway. */
const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  // invalid authorization, invalid password, no such database, too many connections, starting up
  '28000',
  '28P01',
  '3D000',
  '53300',
  '57P03',
]);

/** The server was not reached, refused the gateway, or dropped the link: nothing about the frames. */
function isUnreachable(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  const message = (error as Error | null)?.message ?? String(error);
  return (
    (typeof code === 'string' && (UNREACHABLE_CODES.has(code) || code.startsWith('08'))) ||
    /timeout|terminated|connect/i.test(message)
  );
}

/**
 * A failure of the server rather than of what a group wrote (unreachable, shutting down, out of
 * resources): writing its frames one by one would only fail each of them again, slower.
 */
function isServerFailure(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return isUnreachable(error) || (typeof code === 'string' && (code.startsWith('53') || code.startsWith('57')));
}

function translateOpenError(where: string, error: unknown): unknown {
  if (error instanceof SyncServerError) return error;
  if (isUnreachable(error)) {
    const message = (error as Error).message ?? String(error);
    return new SyncServerError('STORE_UNREACHABLE', `cannot use the PostgreSQL store at ${where}: ${message}`, {
      cause: error,
    });
  }
  return error;
}
