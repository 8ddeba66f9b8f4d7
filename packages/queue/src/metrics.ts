import type { FrameByteMetrics } from './types.js';

export interface MutableByteMetrics {
  bytesJson: number;
  bytesProtobuf: number;
  bytesBody: number;
  bytesWire: number;
}

export const EMPTY_BYTES: Readonly<MutableByteMetrics> = Object.freeze({
  bytesJson: 0,
  bytesProtobuf: 0,
  bytesBody: 0,
  bytesWire: 0,
});

export function addMetrics(total: MutableByteMetrics, frame: MutableByteMetrics): void {
  total.bytesJson += frame.bytesJson;
  total.bytesProtobuf += frame.bytesProtobuf;
  total.bytesBody += frame.bytesBody;
  total.bytesWire += frame.bytesWire;
}

/** The §5 ratios, recomputed from the summed byte counts (never an average of per-frame ratios). */
export function toByteMetrics(bytes: Readonly<MutableByteMetrics>): FrameByteMetrics {
  const compressionRatio = bytes.bytesJson === 0 ? 0 : bytes.bytesWire / bytes.bytesJson;
  return {
    bytesJson: bytes.bytesJson,
    bytesProtobuf: bytes.bytesProtobuf,
    bytesBody: bytes.bytesBody,
    bytesWire: bytes.bytesWire,
    compressionRatio,
    savingsPercent: bytes.bytesJson === 0 ? 0 : 100 * (1 - compressionRatio),
    deltaSavingsPercent: bytes.bytesProtobuf === 0 ? 0 : 100 * (1 - bytes.bytesBody / bytes.bytesProtobuf),
  };
}
