import { type CodecError, createCodec, readFrameHeader } from '@media-sync/codec';

const codec = await createCodec();
const ops = [1, 2, 3].map((seq) => ({
  deviceId: 'phone-1',
  seq,
  hlc: { physicalMs: 1790877600000 + seq * 10_000, logical: 0, nodeId: 'phone-1' },
  op: {
    type: 'progressUpdate' as const,
    userId: 'u-1',
    contentId: 'tt0111161',
    positionMs: seq * 10_000,
    durationMs: 8_732_433,
    state: 'playing' as const,
    timestamp: 1790877600000 + seq * 10_000,
  },
}));
const frame = codec.encodeFrame('phone-1', ops);
console.log(frame.bytes.length, 'bytes;', readFrameHeader(frame.bytes).firstSeq, '..', frame.header.lastSeq);
console.log(codec.decodeFrame(frame.bytes).ops[2]?.op);
console.log(codec.metrics().bytesJson, 'bytes as reference JSON');
try {
  codec.decodeFrame(frame.bytes.subarray(0, 20));
} catch (error) {
  console.log((error as CodecError).message);
}
