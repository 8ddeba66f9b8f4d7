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

interface RangeRow {
  first_seq: number;
  last_seq: number;
}

interface CodedRow extends RangeRow {
  code: string;
}

/**
 * The gateway's durable state in PostgreSQL, shared by any number of gateway processes. Each
 * frame is one transaction (READ COMMITTED) that first takes the user's `user_heads` row with a
 * row lock, so writers of one user queue up there: the log positions it allocates and the
 * settled seqs it checks are those of the last committed writer. Frames of different users
 * commit in parallel, on up to `maxConnections` connections.
 *
 * Open it with `PostgresGatewayStore.open`, which runs the migrations.
 */
export class PostgresGatewayStore implements GatewayStore {
  readonly kind = 'postgres';
  readonly #pool: pg.Pool;
  #closed: Promise<void> | undefined;

  private constructor(pool: pg.Pool) {
    this.#pool = pool;
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

  async settledIn(userId: string, deviceId: string, first: number, last: number): Promise<SeqRange[]> {
    const rows = await rangesAround<RangeRow>(this.#pool, 'settled_ranges', userId, deviceId, first, last);
    const out: SeqRange[] = [];
    for (const row of rows) {
      if (row.last_seq < first || row.first_seq > last) continue;
      out.push({ first: Math.max(row.first_seq, first), last: Math.min(row.last_seq, last) });
    }
    return out;
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

  async snapshot(userId: string): Promise<StoredSnapshot | undefined> {
    const { rows } = await this.#pool.query<{ log_seq: number; state: string }>(
      'SELECT log_seq, state FROM snapshots WHERE user_id = $1',
      [userId],
    );
    const row = rows[0];
    return row && { logSeq: row.log_seq, state: row.state };
  }

  async putSnapshot(userId: string, logSeq: number, state: string): Promise<void> {
    await this.#pool.query(
      `INSERT INTO snapshots (user_id, log_seq, state) VALUES ($1, $2, $3)
       ON CONFLICT (user_id) DO UPDATE SET log_seq = excluded.log_seq, state = excluded.state
       WHERE excluded.log_seq >= snapshots.log_seq`,
      [userId, logSeq, state],
    );
  }

  async logAfter(userId: string, logSeq: number, limit: number): Promise<LogEntry[]> {
    const { rows } = await this.#pool.query<{ log_seq: number; entry: string }>(
      'SELECT log_seq, entry FROM oplog WHERE user_id = $1 AND log_seq > $2 ORDER BY log_seq LIMIT $3',
      [userId, logSeq, limit],
    );
    return rows.map((row) => ({ logSeq: row.log_seq, entry: JSON.parse(row.entry) as SequencedOperation }));
  }

  async storedBytes(userId: string, deviceId: string): Promise<number> {
    const { rows } = await this.#pool.query<{ n: number }>(
      `SELECT (SELECT coalesce(sum(length(entry)), 0) FROM oplog WHERE user_id = $1 AND device_id = $2)
            + (SELECT coalesce(sum(length(entry)), 0) FROM commands WHERE user_id = $1 AND source_device_id = $2)
              AS n`,
      [userId, deviceId],
    );
    return Number(rows[0]?.n ?? 0);
  }

  /**
   * One transaction per frame. Frames of one user commit one after another, in order; those of
   * different users in parallel. Snapshots are written after the frames, each on its own (a
   * failed snapshot fails no frame: the next start replays a little more log).
   */
  async writeFrames(
    frames: readonly FrameWrite[],
    snapshots: readonly SnapshotWrite[],
  ): Promise<PromiseSettledResult<FrameWriteResult>[]> {
    const states = snapshots.map((snapshot) => ({ ...snapshot, json: snapshot.state() }));
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
            outcomes[i] = {
              status: 'fulfilled',
              value: await this.#transaction((client) => writeFrame(client, frames[i] as FrameWrite)),
            };
          } catch (reason) {
            outcomes[i] = { status: 'rejected', reason };
          }
        }
      }),
    );
    await Promise.all(
      states.map((snapshot) => this.putSnapshot(snapshot.userId, snapshot.logSeq, snapshot.json).catch(() => {})),
    );
    return outcomes;
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
  async #transaction<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await this.#pool.connect();
    let broken: Error | undefined;
    try {
      await client.query('BEGIN');
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

/** One frame's writes, inside its transaction. */
async function writeFrame(client: Queryable, frame: FrameWrite): Promise<FrameWriteResult> {
  const { userId, deviceId } = frame;
  // The user's row lock: a concurrent writer of this user waits here until this one commits,
  // then reads the head and the settled ranges as this one left them.
  const locked = await client.query<{ head: number }>(
    `INSERT INTO user_heads (user_id, head) VALUES ($1, 0)
     ON CONFLICT (user_id) DO UPDATE SET head = user_heads.head RETURNING head`,
    [userId],
  );
  const previousHead = locked.rows[0]?.head ?? 0;
  const wanted = normalize(frame.settled);
  const lo = (wanted[0]?.first ?? 0) - 1;
  const hi = (wanted[wanted.length - 1]?.last ?? 0) + 1;
  const settledRows =
    wanted.length === 0 ? [] : await rangesAround<RangeRow>(client, 'settled_ranges', userId, deviceId, lo, hi);
  const stored = settledRows.map((row) => ({ first: row.first_seq, last: row.last_seq }));
  const alreadySettled = intersect(wanted, normalize(stored));
  const write = withoutSettled(frame, alreadySettled);
  // The log rows, the new head and the settled ranges go in one statement (one round trip),
  // after the reads above: its parts write different rows and need none of each other's results.
  const statement = new FrameStatement(userId);
  let storedBytes = 0;
  if (write.stateOps.length > 0) {
    const entries = write.stateOps.map((entry) => JSON.stringify(entry));
    for (const json of entries) storedBytes += json.length;
    statement.part(
      'logged',
      `INSERT INTO oplog (user_id, log_seq, device_id, seq, entry)
       SELECT $1, ${statement.param(previousHead)}::bigint + t.ord, t.device_id, t.seq, t.entry
       FROM unnest(${statement.param(write.stateOps.map((entry) => entry.deviceId))}::text[],
         ${statement.param(write.stateOps.map((entry) => entry.seq))}::bigint[],
         ${statement.param(entries)}::text[]) WITH ORDINALITY AS t(device_id, seq, entry, ord)`,
    );
    statement.part(
      'moved',
      `UPDATE user_heads SET head = ${statement.param(previousHead + write.stateOps.length)} WHERE user_id = $1`,
    );
  }
  if (write.settled.length > 0) {
    // The stored ranges that overlap or touch the new ones are replaced by their union: old rows
    // whose start is not a new range's start are deleted, the new ranges upserted (the
    // statement's parts do not see each other's changes, so no start is deleted and inserted).
    const touching = settledRows.filter((row) =>
      write.settled.some((range) => row.last_seq >= range.first - 1 && row.first_seq <= range.last + 1),
    );
    const merged = normalize([
      ...touching.map((row) => ({ first: row.first_seq, last: row.last_seq })),
      ...write.settled,
    ]);
    const device = statement.param(deviceId);
    const firsts = statement.param(merged.map((range) => range.first));
    statement.part(
      'unsettled',
      `DELETE FROM settled_ranges WHERE user_id = $1 AND device_id = ${device}
       AND first_seq = ANY(${statement.param(touching.map((row) => row.first_seq))}::bigint[])
       AND NOT first_seq = ANY(${firsts}::bigint[])`,
    );
    statement.part(
      'settled',
      `INSERT INTO settled_ranges (user_id, device_id, first_seq, last_seq)
       SELECT $1, ${device}, f, l FROM unnest(${firsts}::bigint[], ${statement.param(merged.map((range) => range.last))}::bigint[]) AS t(f, l)
       ON CONFLICT (user_id, device_id, first_seq) DO UPDATE SET last_seq = excluded.last_seq`,
    );
  }
  await statement.run(client);
  const commands: StoredCommand[] = [];
  for (const command of write.commands) {
    const json = JSON.stringify(command.entry);
    storedBytes += json.length;
    const { rows } = await client.query<{ id: number }>(
      `INSERT INTO commands (user_id, target_device_id, source_device_id, expires_at, entry)
       VALUES ($1, $2, $3, $4, $5) RETURNING id`,
      [userId, command.targetDeviceId, command.entry.deviceId, command.expiresAt, json],
    );
    commands.push({ id: (rows[0] as { id: number }).id, targetDeviceId: command.targetDeviceId, entry: command.entry });
  }
  if (write.rejected.length > 0) await mergeRejected(client, userId, deviceId, write.rejected);
  return {
    previousHead,
    headLogSeq: previousHead + write.stateOps.length,
    logged: write.stateOps,
    commands,
    storedBytes,
    alreadySettled,
  };
}

/**
 * Data-modifying statements on different rows, sent as one: each part is a `WITH` query
 * (PostgreSQL runs every one of them once, referenced or not). `$1` is the user id.
 */
class FrameStatement {
  readonly #params: unknown[];
  readonly #parts: string[] = [];

  constructor(userId: string) {
    this.#params = [userId];
  }

  /** The placeholder of a new parameter. */
  param(value: unknown): string {
    this.#params.push(value);
    return `$${this.#params.length}`;
  }

  part(name: string, sql: string): void {
    this.#parts.push(`${name} AS (${sql})`);
  }

  async run(client: Queryable): Promise<void> {
    if (this.#parts.length === 0) return;
    await client.query(`WITH ${this.#parts.join(',\n')} SELECT 1`, this.#params);
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

function translateOpenError(where: string, error: unknown): unknown {
  if (error instanceof SyncServerError) return error;
  const code = (error as { code?: unknown }).code;
  const message = (error as Error).message ?? String(error);
  if (
    (typeof code === 'string' && (UNREACHABLE_CODES.has(code) || code.startsWith('08'))) ||
    /timeout|terminated|connect/i.test(message)
  ) {
    return new SyncServerError('STORE_UNREACHABLE', `cannot use the PostgreSQL store at ${where}: ${message}`, {
      cause: error,
    });
  }
  return error;
}
