/** Lowercase canonical UUIDs (8-4-4-4-12 hex) travel as 16 raw bytes; anything else as text. */
const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function isUuid(s: string): boolean {
  return s.length === 36 && UUID_PATTERN.test(s);
}

const HEX_VALUE = new Int8Array(128).fill(-1);
for (let i = 0; i < 16; i++) HEX_VALUE['0123456789abcdef'.charCodeAt(i)] = i;

/** Writes the 16 bytes of a string that `isUuid` accepted into `out` at `at`. */
export function writeUuidBytes(s: string, out: Uint8Array, at: number): void {
  let j = at;
  for (let i = 0; i < 36; i++) {
    if (i === 8 || i === 13 || i === 18 || i === 23) continue;
    const hi = HEX_VALUE[s.charCodeAt(i)] as number;
    const lo = HEX_VALUE[s.charCodeAt(++i)] as number;
    out[j++] = (hi << 4) | lo;
  }
}

const HEX_BYTE: string[] = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, '0'));

export function readUuid(bytes: Uint8Array, at: number): string {
  const h = (i: number) => HEX_BYTE[bytes[at + i] as number] as string;
  return `${h(0)}${h(1)}${h(2)}${h(3)}-${h(4)}${h(5)}-${h(6)}${h(7)}-${h(8)}${h(9)}-${h(10)}${h(11)}${h(12)}${h(13)}${h(14)}${h(15)}`;
}
