import { checkUserId, readSelfContained, resolveLimits } from './frame.js';
import type { DecodeLimits, FrameHeader } from './types.js';

/**
 * Reads and checks a self-contained frame's header — version, flags, seq range, skipped ranges,
 * limits — and verifies the checksum over the header values and the body, without
 * decompressing or decoding the body: what a receiver dedupes and authorises on. Synchronous,
 * needs no codec instance. A session frame (no device id) fails with CONTEXT_MISMATCH: read it
 * with its session decoder's `readHeader`. `userId` is the user the frame's channel names: a
 * user-bound frame fails without it (USER_REQUIRED) and with another (CRC_MISMATCH).
 */
export function readFrameHeader(bytes: Uint8Array, limits?: Partial<DecodeLimits>, userId?: string): FrameHeader {
  return readSelfContained(bytes, resolveLimits(limits), checkUserId(userId)).header;
}
