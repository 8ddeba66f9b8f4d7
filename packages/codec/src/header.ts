import { parseFrame, resolveLimits } from './frame.js';
import type { DecodeLimits, FrameHeader } from './types.js';

/**
 * Reads and checks a frame's header (version, flags, seq range, limits, CRC-32C of the body)
 * without decompressing or decoding the body: what a receiver dedupes on. Synchronous and
 * needs no codec instance.
 */
export function readFrameHeader(bytes: Uint8Array, limits?: Partial<DecodeLimits>): FrameHeader {
  return parseFrame(bytes, resolveLimits(limits)).header;
}
