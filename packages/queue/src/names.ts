/**
 * A user id as one safe segment of a topic, subject, key or channel name (§8: per-user names
 * are escaped safely): every character outside `[A-Za-z0-9_-]` becomes `%XX` per UTF-8 byte,
 * so `.`, `*`, `>`, `/`, `+`, `#`, `{`, `}`, `,`, `:` and spaces never reach a broker's name and
 * two user ids never share one (`u.x` → `u%2Ex`, `%2E` → `%252E`). Every publisher adapter
 * names its per-user topic with it.
 */
export function escapeUserId(userId: string): string {
  return Array.from(new TextEncoder().encode(userId), (byte) =>
    /[A-Za-z0-9_-]/.test(String.fromCharCode(byte)) && byte < 0x80
      ? String.fromCharCode(byte)
      : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`,
  ).join('');
}
