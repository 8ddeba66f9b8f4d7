// Writes the known-answer vectors under test/vectors/ (hex in, JSON out). Run only when the
// wire format (or the zstd engine) changes on purpose:
//   tsx --conditions=@media-sync/source scripts/make-vectors.mts
import { writeFileSync } from 'node:fs';
import type { SequencedOperation } from '@media-sync/protocol';
import { parseFrame, resolveLimits } from '../src/frame.js';
import { CodecError, createCodec, type EncodeOptions, FrameField } from '../src/index.js';

const codec = await createCodec();
const out = new URL('../test/vectors/', import.meta.url);
const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');
const t0 = 1_790_877_610_118;
const progress = (seq: number, positionMs: number, state: 'playing' | 'paused' = 'playing'): SequencedOperation => ({
  deviceId: 'web-chrome',
  seq,
  hlc: { physicalMs: t0 + seq * 10_050, logical: 0, nodeId: 'web-chrome' },
  op: {
    type: 'progressUpdate',
    userId: '00918221-7a95-4b00-b3c1-f8e5d05913a0',
    contentId: '65296731-81ec-42b3-afb0-964c9c794021',
    positionMs,
    durationMs: 8_732_433,
    state,
    timestamp: t0 + seq * 10_050,
  },
});

function vector(
  name: string,
  description: string,
  deviceId: string,
  ops: SequencedOperation[],
  options: EncodeOptions,
): Uint8Array {
  const frame = codec.encodeFrame(deviceId, ops, options);
  // A user-bound frame decodes with the user its channel names: the one it was encoded for.
  const decoded = codec.decodeFrame(frame.bytes, options.userId === undefined ? {} : { userId: options.userId });
  writeFileSync(
    new URL(`${name}.json`, out),
    `${JSON.stringify({ description, engine: codec.engine, options, hex: hex(frame.bytes), header: decoded.header, ops: decoded.ops }, null, 2)}\n`,
  );
  return frame.bytes;
}

vector(
  'single-progress',
  'One progress update alone, uncompressed: UUIDs in `uuids`, absent types/states columns.',
  'web-chrome',
  [progress(1, 10_000)],
  {},
);
vector(
  'mixed-ops',
  'Watchlist add/remove, a device command with payload and expiry, a seq gap, an HLC offset and logical, a foreign node id.',
  'tv-living-room',
  [
    {
      deviceId: 'tv-living-room',
      seq: 7,
      hlc: { physicalMs: t0, logical: 0, nodeId: 'tv-living-room' },
      op: { type: 'watchlistAdd', userId: 'u-1', contentId: 'tt0111161', timestamp: t0 },
    },
    {
      deviceId: 'tv-living-room',
      seq: 9,
      hlc: { physicalMs: t0 + 5, logical: 3, nodeId: 'gateway' },
      op: { type: 'watchlistRemove', userId: 'u-1', contentId: 'tmdb:550', timestamp: t0 + 2 },
    },
    {
      deviceId: 'tv-living-room',
      seq: 10,
      hlc: { physicalMs: t0 + 900, logical: 0, nodeId: 'tv-living-room' },
      op: {
        type: 'deviceCommand',
        commandId: '98bfd821-6238-4ad9-a113-f2f7adb81c65',
        sourceDeviceId: 'tv-living-room',
        targetDeviceId: 'phone-1',
        commandType: 'play',
        payload: {
          contentId: '65296731-81ec-42b3-afb0-964c9c794021',
          fromMs: 721_026,
          volume: 0.5,
          tags: ['a', null, true],
        },
        timestamp: t0 + 900,
        expiresAt: t0 + 900 + 300_000,
      },
    },
  ],
  { userId: 'u-1' },
);
const run = Array.from({ length: 60 }, (_, i) =>
  progress(i + 1, 10_000 * (i + 1) + ((i * 37) % 50), i === 30 ? 'paused' : 'playing'),
);
vector('progress-60-dictionary', 'Sixty progress updates, zstd with the shipped dictionary 1.', 'web-chrome', run, {});
vector('progress-60-zstd', 'Sixty progress updates, zstd without a dictionary.', 'web-chrome', run, {
  dictionary: false,
});
vector('empty', 'A frame with no ops.', 'phone-1', [], {});
const USER = '00918221-7a95-4b00-b3c1-f8e5d05913a0';
vector(
  'single-progress-user-bound',
  'One progress update alone, user-bound (bindUser): its user is named by the channel, not in the frame; user_bound_checksum covers it. Decode with options.userId.',
  'web-chrome',
  [progress(1, 10_000)],
  { userId: USER, bindUser: true },
);
vector(
  'progress-60-user-bound',
  'Sixty progress updates, user-bound, zstd with the shipped dictionary 1. Decode with options.userId.',
  'web-chrome',
  run,
  { userId: USER, bindUser: true },
);
vector(
  'skipped-ranges',
  'Two progress updates after seqs the sender will never send (1..3 coalesced, 5 expired): skipped ranges in the header.',
  'web-chrome',
  [progress(6, 60_000), progress(7, 70_000)],
  {
    skipped: [
      { first: 1, last: 3 },
      { first: 5, last: 5 },
    ],
  },
);

const good = codec.encodeFrame('web-chrome', [progress(1, 10_000)], {}).bytes;
const bound = codec.encodeFrame('web-chrome', [progress(1, 10_000)], { userId: USER, bindUser: true }).bytes;
/** The byte of a frame's checksum tag (checksum = 10: 0x55, user_bound_checksum = 12: 0x65). */
const checksumTag = (bytes: Uint8Array) => {
  const raw = parseFrame(bytes, resolveLimits());
  return raw.at(raw.userBound ? FrameField.userBoundChecksum : FrameField.checksum);
};
const errors: { name: string; hex: string; userId?: string }[] = [
  { name: 'crc-mismatch', hex: hex(Uint8Array.from(good, (b, i) => (i === good.length - 1 ? b ^ 1 : b))) },
  { name: 'truncated', hex: hex(good.subarray(0, good.length - 4)) },
  { name: 'header-only', hex: hex(good.subarray(0, good.indexOf(0x7a, 12))) },
  { name: 'version-3', hex: `0803${hex(good.subarray(2))}` },
  // The single-progress vector of format 1 (the release before this one).
  {
    name: 'format-1-frame',
    hex: '08012a0a7765622d6368726f6d6530013801555433dcf57a371220009182217a954b00b3c1f8e5d05913a06529673181ec42b3afb0964c9c7940212890dffe899f685a01026203a09c016a0493fe9404',
  },
  // The user-bound single-progress frame decoded without the user its channel names …
  { name: 'user-bound-without-user', hex: hex(bound) },
  // … in another user's channel (a replay) …
  { name: 'user-bound-other-user', hex: hex(bound), userId: '7c9e6679-7425-40de-944b-e07fc1f90ae7' },
  // … with its checksum relabelled as a plain one (the two domains differ), and the reverse.
  {
    name: 'user-bound-as-plain',
    hex: hex(Uint8Array.from(bound, (b, i) => (i === checksumTag(bound) ? 0x55 : b))),
    userId: USER,
  },
  {
    name: 'plain-as-user-bound',
    hex: hex(Uint8Array.from(good, (b, i) => (i === checksumTag(good) ? 0x65 : b))),
    userId: USER,
  },
];

const answers = errors.map(({ name, hex: h, userId }) => {
  try {
    codec.decodeFrame(Buffer.from(h, 'hex'), userId === undefined ? {} : { userId });
    throw new Error(`${name} decoded`);
  } catch (error) {
    if (!(error instanceof CodecError)) throw error;
    return {
      name,
      hex: h,
      ...(userId === undefined ? {} : { userId }),
      error: { code: error.code, offset: error.offset },
    };
  }
});
writeFileSync(new URL('errors.json', out), `${JSON.stringify(answers, null, 2)}\n`);
