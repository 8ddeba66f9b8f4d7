import { execFileSync, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeGatewayMessage, encodeGatewayMessage, type GatewayMessage, ValidationError } from '../src/index.js';

const EXAMPLES: GatewayMessage[] = [
  {
    type: 'hello',
    protocol: 2,
    userId: 'u-1',
    deviceId: 'tv',
    maxFrameBytes: 1_048_576,
    tokenExpiresAt: 1_790_877_610_118,
  },
  { type: 'frame', frameId: 0xffff_ffff, frame: new Uint8Array([0x08, 0x02, 0x2a, 0x02]) },
  {
    type: 'ack',
    frameId: 7,
    firstSeq: 1,
    lastSeq: 100_000,
    duplicate: true,
    rejected: [
      { firstSeq: 1, lastSeq: 40, code: 'FORBIDDEN_USER' },
      { firstSeq: 41, lastSeq: 41, code: 'CLOCK_DRIFT' },
    ],
    rejectedCount: 41,
    rejectedTruncated: false,
  },
  { type: 'error', frameId: 3, code: 'CRC_MISMATCH', message: 'body checksum', offset: 12 },
  { type: 'error', frameId: 0, code: 'BAD_MESSAGE', message: 'expected a GatewayMessage' },
  { type: 'subscribe', since: 2 ** 40 },
  { type: 'fanout', cursor: 12, frame: new Uint8Array([1, 2, 3]) },
  { type: 'command', deliveryId: 9, frame: new Uint8Array([4]) },
  { type: 'commandAck', deliveryId: 9 },
  { type: 'synced', cursor: 0 },
];

describe('gateway messages (proto/media_sync/v1/gateway.proto)', () => {
  it('round-trips every kind', () => {
    for (const message of EXAMPLES) expect(decodeGatewayMessage(encodeGatewayMessage(message))).toEqual(message);
  });

  it('is plain protobuf: a FrameUpload is field 2 holding frame_id and the frame bytes unchanged', () => {
    const bytes = encodeGatewayMessage({ type: 'frame', frameId: 7, frame: new Uint8Array([0xaa, 0xbb]) });
    // 12 06 = field 2 (FrameUpload), 6 bytes: 08 07 = frame_id 7; 12 02 aa bb = frame, 2 bytes.
    expect(Buffer.from(bytes).toString('hex')).toBe('120608071202aabb');
  });

  it('keeps an ACK small whatever the frame: ranges, not ops', () => {
    const bytes = encodeGatewayMessage({
      type: 'ack',
      frameId: 1,
      firstSeq: 1,
      lastSeq: 100_000,
      duplicate: true,
      rejected: [{ firstSeq: 1, lastSeq: 100_000, code: 'FORBIDDEN_USER' }],
      rejectedCount: 100_000,
      rejectedTruncated: false,
    });
    expect(bytes.length).toBeLessThan(48);
  });

  it('refuses bytes that are no GatewayMessage, or set no kind, with a ValidationError', () => {
    for (const bytes of [new Uint8Array([0x7f]), new Uint8Array([0x12, 0x09, 0x08]), new Uint8Array()]) {
      expect(() => decodeGatewayMessage(bytes)).toThrow(ValidationError);
    }
  });

  it('decodes random bytes to a message or a ValidationError, nothing else (fuzz)', () => {
    const seed = Date.now();
    console.log(`gateway message fuzz seed ${seed}`);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        try {
          decodeGatewayMessage(bytes);
        } catch (error) {
          expect(error).toBeInstanceOf(ValidationError);
        }
      }),
      { seed, numRuns: 2000 },
    );
  });
});

const hasProtoc = spawnSync('protoc', ['--version']).status === 0;

describe.skipIf(!hasProtoc)('gateway messages with Debian protoc', () => {
  it('decodes an ACK to its field values', () => {
    const protoDir = fileURLToPath(new URL('../../../proto', import.meta.url));
    const ack = EXAMPLES[2] as GatewayMessage;
    const text = execFileSync(
      'protoc',
      [`-I${protoDir}`, '--decode=media_sync.v1.GatewayMessage', 'media_sync/v1/gateway.proto'],
      { input: encodeGatewayMessage(ack), encoding: 'utf8' },
    );
    expect(text).toMatch(/ack \{\s+frame_id: 7\s+first_seq: 1\s+last_seq: 100000\s+duplicate: true/);
    expect(text).toMatch(/rejected \{\s+first_seq: 1\s+last_seq: 40\s+code: "FORBIDDEN_USER"\s+\}/);
    expect(text).toContain('rejected_count: 41');
  });
});
