/**
 * Every statement the adapter prepares, by name. Kept in one place so the query-plan test can
 * prove each hot one is an index search, not a scan.
 */
const PENDING_COLUMNS =
  'seq, hlc, type, coalesce_key, expires_at, body, enqueued_at, attempts, next_attempt_at, last_error';

export const SQL = {
  state: 'SELECT last_seq, pending_count, dead_letter_count FROM queue_state WHERE id = 1',
  setLastSeq: 'UPDATE queue_state SET last_seq = ? WHERE id = 1',
  adjustCounts: `UPDATE queue_state
    SET pending_count = pending_count + ?, dead_letter_count = dead_letter_count + ?
    WHERE id = 1`,
  insertPending: `INSERT INTO pending (seq, hlc, type, coalesce_key, expires_at, body, enqueued_at)
    VALUES (?, ?, ?, ?, ?, ?, ?)`,
  readPage: `SELECT ${PENDING_COLUMNS} FROM pending WHERE seq > ? ORDER BY seq LIMIT ?`,
  // `seq > 0` turns "first row" into a search on the rowid instead of a scan with a limit.
  oldestPending: 'SELECT enqueued_at FROM pending WHERE seq > 0 ORDER BY seq LIMIT 1',
  latestSeqForKey: 'SELECT MAX(seq) AS seq FROM pending WHERE coalesce_key = ?',
  deleteRange: 'DELETE FROM pending WHERE seq BETWEEN ? AND ?',
  recordAttempt: `UPDATE pending SET attempts = attempts + 1, last_error = ?, next_attempt_at = ?
    WHERE seq = ?`,
  copyToDeadLetters: `INSERT INTO dead_letters (${PENDING_COLUMNS}, reason_code, reason, dead_lettered_at)
    SELECT ${PENDING_COLUMNS}, ?, ?, ? FROM pending WHERE seq = ?`,
  deletePending: 'DELETE FROM pending WHERE seq = ?',
  listDeadLetters: `SELECT ${PENDING_COLUMNS}, reason_code, reason, dead_lettered_at
    FROM dead_letters WHERE seq > 0 ORDER BY seq LIMIT ?`,
  // A requeued row starts over: no attempts, retry now; its last error stays for display.
  requeueDeadLetter: `INSERT INTO pending (${PENDING_COLUMNS})
    SELECT seq, hlc, type, coalesce_key, expires_at, body, enqueued_at, 0, 0, last_error
    FROM dead_letters WHERE seq = ?`,
  requeueAllDeadLetters: `INSERT INTO pending (${PENDING_COLUMNS})
    SELECT seq, hlc, type, coalesce_key, expires_at, body, enqueued_at, 0, 0, last_error
    FROM dead_letters ORDER BY seq`,
  deleteDeadLetter: 'DELETE FROM dead_letters WHERE seq = ?',
  deleteAllDeadLetters: 'DELETE FROM dead_letters',
  getMeta: 'SELECT value FROM meta WHERE key = ?',
  setMeta: 'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
  getLease: 'SELECT owner, pid, host, expires_at FROM replay_lease WHERE id = 1',
  setLease: `INSERT INTO replay_lease (id, owner, pid, host, expires_at) VALUES (1, ?, ?, ?, ?)
    ON CONFLICT (id) DO UPDATE SET owner = excluded.owner, pid = excluded.pid, host = excluded.host,
      expires_at = excluded.expires_at`,
  deadLetterCodes: 'SELECT reason_code, COUNT(*) AS count FROM dead_letters GROUP BY reason_code ORDER BY reason_code',
  latestDeadLetterOfCode: `SELECT reason, dead_lettered_at FROM dead_letters WHERE reason_code = ?
    ORDER BY dead_lettered_at DESC, seq DESC LIMIT 1`,
  releaseLease: 'DELETE FROM replay_lease WHERE id = 1 AND owner = ?',
} as const;

/**
 * Statements that touch every row by design (requeue or purge ALL dead letters, count them by
 * code): linear in what they move or count, which no index changes.
 */
export const WHOLE_TABLE_STATEMENTS: ReadonlySet<keyof typeof SQL> = new Set([
  'requeueAllDeadLetters',
  'deleteAllDeadLetters',
  // The dead-letter summary counts every dead letter by code, over the covering index.
  'deadLetterCodes',
]);
