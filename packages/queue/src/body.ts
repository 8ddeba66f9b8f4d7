import {
  commandExpiresAt,
  type Hlc,
  parseHlc,
  parseOperation,
  type SyncOperation,
  toCanonicalJson,
} from '@media-sync/protocol';

// A queued op's body is its canonical JSON (§2) in UTF-8: what the trace format uses, readable
// with `SELECT CAST(body AS TEXT)` in SQLite, and validated again on the way out, so a row
// damaged on disk is caught as undecodable instead of being sent. Seq and HLC live in their
// own columns.
const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

export function encodeBody(op: SyncOperation): Uint8Array {
  return encoder.encode(toCanonicalJson(op));
}

/** `encodeBody` for an op `validateOperation` just returned: already a canonical-order copy. */
export function encodeValidatedBody(op: SyncOperation): Uint8Array {
  return encoder.encode(JSON.stringify(op));
}

export function decodeBody(body: Uint8Array): SyncOperation {
  return parseOperation(decoder.decode(body));
}

/** The key later progress updates of the same (userId, contentId) supersede. */
export function coalesceKeyOf(op: SyncOperation): string | null {
  return op.type === 'progressUpdate' ? `${op.userId}\n${op.contentId}` : null;
}

export function expiresAtOf(op: SyncOperation): number | null {
  return op.type === 'deviceCommand' ? commandExpiresAt(op) : null;
}

export function decodeHlc(text: string): Hlc {
  return parseHlc(text);
}
