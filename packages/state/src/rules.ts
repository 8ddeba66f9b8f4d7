import { commandExpiresAt, compareHlc, compareUtf8, type Hlc } from '@media-sync/protocol';
import type { CommandEntry } from './entries.js';

/**
 * Orders two register values: by HLC, and when the HLCs are identical (only a misbehaving node
 * issues the same timestamp twice) by their JSON text, so that every replica still picks the
 * same winner whatever order the values arrive in.
 */
export function compareWrites<T extends { readonly hlc: Hlc }>(a: T, b: T): number {
  const byClock = compareHlc(a.hlc, b.hlc);
  if (byClock !== 0) return byClock;
  return compareUtf8(JSON.stringify(a), JSON.stringify(b));
}

/**
 * The last-writer-wins join: the later of the two values, `incoming` when there is no current
 * one. Commutative, associative and idempotent, because `compareWrites` is a total order.
 */
export function lastWriterWins<T extends { readonly hlc: Hlc }>(current: T | undefined, incoming: T): T {
  if (current === undefined) return incoming;
  return compareWrites(incoming, current) > 0 ? incoming : current;
}

/**
 * Joins two inbox entries of the same command id: the later write supplies the command (a
 * command id is meant to be used once, so they normally agree) and `delivered` is the OR of both,
 * so a command handed out by one replica is never handed out again after a merge.
 */
export function mergeCommandEntries(current: CommandEntry | undefined, incoming: CommandEntry): CommandEntry {
  if (current === undefined) return incoming;
  const winner = compareWrites(withoutDelivery(incoming), withoutDelivery(current)) > 0 ? incoming : current;
  const delivered = current.delivered || incoming.delivered;
  return winner.delivered === delivered ? winner : { ...winner, delivered };
}

function withoutDelivery(entry: CommandEntry): Omit<CommandEntry, 'delivered'> {
  return { command: entry.command, hlc: entry.hlc, deviceId: entry.deviceId };
}

/** A command's deadline has passed: it must never be delivered, and can be forgotten. */
export function isExpired(entry: CommandEntry, now: number): boolean {
  return now > commandExpiresAt(entry.command);
}

/** The command is for `deviceId`, not yet delivered, and not past its deadline at `now`. */
export function isDeliverable(entry: CommandEntry, deviceId: string, now: number): boolean {
  return !entry.delivered && entry.command.targetDeviceId === deviceId && !isExpired(entry, now);
}

/**
 * `compareUtf8` (order by UTF-8 bytes, which is code point order) without encoding either
 * string: UTF-16 units compare the same way up to the first difference unless a surrogate is
 * there (U+10000 and up sort after U+E000..U+FFFF in UTF-8, before them in UTF-16), which is
 * left to `compareUtf8`. Snapshots sort every register key with it.
 */
export function compareCodePoints(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    if ((x >= 0xd800 && x <= 0xdfff) || (y >= 0xd800 && y <= 0xdfff)) return compareUtf8(a, b);
    return x < y ? -1 : 1;
  }
  return a.length < b.length ? -1 : 1;
}
