/**
 * The schema, as ordered migrations. A file records every migration applied to it in
 * `schema_migrations`; opening it applies the missing ones in order, in one transaction, and a
 * file whose highest version is above the last one here was written by a newer release and is
 * refused (`SCHEMA_TOO_NEW`) without being touched.
 *
 * Released migrations never change: a fix is a new migration appended at the end.
 */
export interface Migration {
  readonly version: number;
  readonly description: string;
  readonly sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'pending rows, dead letters, metadata and the seq counter',
    sql: `
      -- seq is the rowid, so reading a page after a seq, deleting a range and touching one row
      -- are B-tree searches on the table itself.
      CREATE TABLE pending (
        seq INTEGER PRIMARY KEY,
        hlc TEXT NOT NULL,
        type TEXT NOT NULL,
        coalesce_key TEXT,
        expires_at INTEGER,
        body BLOB NOT NULL,
        enqueued_at INTEGER NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_at INTEGER NOT NULL DEFAULT 0,
        last_error TEXT
      ) STRICT;
      -- Only progress updates carry a coalesce key; the partial index leaves the others out, and
      -- (key, seq) answers "latest pending seq for this key" from the index alone.
      CREATE INDEX pending_by_coalesce_key ON pending (coalesce_key, seq)
        WHERE coalesce_key IS NOT NULL;

      CREATE TABLE dead_letters (
        seq INTEGER PRIMARY KEY,
        hlc TEXT NOT NULL,
        type TEXT NOT NULL,
        coalesce_key TEXT,
        expires_at INTEGER,
        body BLOB NOT NULL,
        enqueued_at INTEGER NOT NULL,
        attempts INTEGER NOT NULL,
        next_attempt_at INTEGER NOT NULL,
        last_error TEXT,
        reason_code TEXT NOT NULL,
        reason TEXT NOT NULL,
        dead_lettered_at INTEGER NOT NULL
      ) STRICT;

      CREATE TABLE meta (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
      ) STRICT, WITHOUT ROWID;

      -- The seq counter lives apart from the rows: deleting every row must not let a seq come
      -- back, which MAX(seq) + 1 would allow.
      CREATE TABLE queue_state (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        last_seq INTEGER NOT NULL
      ) STRICT;
      INSERT INTO queue_state (id, last_seq) VALUES (1, 0);
    `,
  },
  {
    version: 2,
    description: 'replay lease and O(1) counts',
    sql: `
      -- One row at most: who replays this file, and until when. Held across processes because it
      -- is in the file and changed only inside write transactions.
      CREATE TABLE replay_lease (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        owner TEXT NOT NULL,
        expires_at INTEGER NOT NULL
      ) STRICT;

      -- COUNT(*) reads every row; the counts are kept beside the seq counter instead, and every
      -- statement that adds or removes rows adjusts them in the same transaction (once per
      -- transaction: per-row triggers cost a sixth of batched append throughput).
      ALTER TABLE queue_state ADD COLUMN pending_count INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE queue_state ADD COLUMN dead_letter_count INTEGER NOT NULL DEFAULT 0;
      UPDATE queue_state SET
        pending_count = (SELECT COUNT(*) FROM pending),
        dead_letter_count = (SELECT COUNT(*) FROM dead_letters)
      WHERE id = 1;
    `,
  },
  {
    version: 3,
    description: 'replay lease holder process; dead letters by reason code',
    sql: `
      -- The holder's process, so a lease left by a crashed replayer on this host is taken over
      -- at once instead of blocking replay until it expires.
      ALTER TABLE replay_lease ADD COLUMN pid INTEGER;
      ALTER TABLE replay_lease ADD COLUMN host TEXT;

      -- The per-code summary (count, latest reason) reads this index, never the rows.
      CREATE INDEX dead_letters_by_reason ON dead_letters (reason_code, dead_lettered_at, seq);
    `,
  },
];

/**
 * `PRAGMA application_id` of a queue file: 'MSQQ'. The gateway's database is 'MSGW'; each side
 * refuses the other's file instead of adding its tables to it.
 */
export const QUEUE_APPLICATION_ID = 0x4d535151;

export const LATEST_SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]?.version ?? 0;
