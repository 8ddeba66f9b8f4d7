import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createCodec, type EncodeOptions } from '@media-sync/codec';
import { type Hlc, parseTrace, type SequencedOperation, toCanonicalJson } from '@media-sync/protocol';
import type { Command } from 'commander';

/** A trace's ops grouped by device (first-appearance order), with seqs and HLCs assigned. */
export interface DeviceOps {
  readonly deviceId: string;
  /** The user of the device's ops (for device-command baselines), when it has any. */
  readonly userId: string | undefined;
  readonly ops: SequencedOperation[];
}

/**
 * Reads a §2 trace. Seqs per device start at 1 in trace order; the HLC is derived from the
 * timestamp as a local tick would: physicalMs = max(timestamp, previous physicalMs), logical
 * counts up within one millisecond, nodeId = deviceId.
 */
export function readTrace(file: string): DeviceOps[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new Error(`cannot read trace ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  const devices = new Map<string, { userId: string | undefined; ops: SequencedOperation[]; hlc: Hlc | undefined }>();
  for (const [i, entry] of parseTrace(text, file).entries()) {
    if (entry.deviceId === undefined) throw new Error(`${file}: entry ${i + 1} has no deviceId`);
    const deviceId = entry.deviceId;
    let device = devices.get(deviceId);
    if (device === undefined) {
      device = { userId: undefined, ops: [], hlc: undefined };
      devices.set(deviceId, device);
    }
    const op = entry.op;
    if (op.type !== 'deviceCommand') device.userId ??= op.userId;
    const prev = device.hlc;
    const hlc: Hlc =
      prev !== undefined && prev.physicalMs >= op.timestamp
        ? { physicalMs: prev.physicalMs, logical: prev.logical + 1, nodeId: deviceId }
        : { physicalMs: op.timestamp, logical: 0, nodeId: deviceId };
    device.hlc = hlc;
    device.ops.push({ deviceId, seq: device.ops.length + 1, hlc, op });
  }
  return [...devices].map(([deviceId, d]) => ({ deviceId, userId: d.userId, ops: d.ops }));
}

function positiveInteger(name: string, max: number): (value: string) => number {
  return (value) => {
    if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > max) {
      throw new Error(`${name} must be an integer 1..${max}, got ${JSON.stringify(value)}`);
    }
    return Number(value);
  };
}

/** Frame files given on the command line: files as they are, directories expanded in name order. */
function frameFiles(paths: readonly string[]): string[] {
  const files: string[] = [];
  for (const path of paths) {
    let stat: ReturnType<typeof statSync>;
    try {
      stat = statSync(path);
    } catch (error) {
      throw new Error(`cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
    }
    if (stat.isDirectory()) {
      for (const name of readdirSync(path).sort()) if (name.endsWith('.frame')) files.push(join(path, name));
    } else files.push(path);
  }
  return files;
}

function readFrame(file: string): Uint8Array {
  try {
    return new Uint8Array(readFileSync(file));
  } catch (error) {
    throw new Error(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
}

/** Decode failures name the file; the CodecError code and byte offset are in its message. */
function inFile<T>(file: string, decode: () => T): T {
  try {
    return decode();
  } catch (error) {
    throw new Error(`${file}: ${(error as Error).message}`);
  }
}

interface EncodeFlags {
  trace: string;
  out: string;
  batch: number;
  level?: number;
  dict: boolean;
  compress: boolean;
}

export function registerCodecCommands(codec: Command): void {
  codec
    .command('encode')
    .description('encode a trace into frames, one file per frame (NNNNNN-<device>.frame), ops grouped by deviceId')
    .requiredOption('--trace <file>', 'trace in the §2 JSON Lines format, each line with deviceId')
    .requiredOption('--out <dir>', 'directory for the frame files (created if missing)')
    .option('--batch <n>', 'ops per frame', positiveInteger('--batch', 100_000), 1000)
    .option('--level <n>', 'zstd level 1..22', positiveInteger('--level', 22))
    .option('--no-dict', 'compress without the trained dictionary')
    .option('--no-compress', 'leave bodies uncompressed')
    .exitOverride()
    .action(async (flags: EncodeFlags) => {
      const devices = readTrace(flags.trace);
      const codec = await createCodec();
      mkdirSync(flags.out, { recursive: true });
      let index = 0;
      for (const device of devices) {
        const options: EncodeOptions = {
          dictionary: flags.dict,
          compression: flags.compress,
          ...(flags.level === undefined ? {} : { level: flags.level }),
          ...(device.userId === undefined ? {} : { userId: device.userId }),
        };
        for (let i = 0; i < device.ops.length; i += flags.batch) {
          const frame = codec.encodeFrame(device.deviceId, device.ops.slice(i, i + flags.batch), options);
          index++;
          const safe = device.deviceId.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 64);
          writeFileSync(join(flags.out, `${String(index).padStart(6, '0')}-${safe}.frame`), frame.bytes);
        }
      }
      const m = codec.metrics();
      process.stdout.write(
        `${index} frames, ${m.ops} ops, ${m.bytesWire} bytes (${m.ops === 0 ? 0 : (m.bytesWire / m.ops).toFixed(2)} B/op; ` +
          `reference JSON ${m.bytesJson} bytes, savings ${m.savingsPercent.toFixed(2)} %)\n`,
      );
    });

  codec
    .command('decode')
    .description('decode frames to canonical JSON Lines with deviceId, grouped by device in seq order')
    .argument('<paths...>', 'frame files, or directories of .frame files')
    .exitOverride()
    .action(async (paths: string[]) => {
      const codec = await createCodec();
      const devices = new Map<string, SequencedOperation[]>();
      for (const file of frameFiles(paths)) {
        const bytes = readFrame(file);
        const frame = inFile(file, () => codec.decodeFrame(bytes));
        let list = devices.get(frame.header.deviceId);
        if (list === undefined) {
          list = [];
          devices.set(frame.header.deviceId, list);
        }
        list.push(...frame.ops);
      }
      const out: string[] = [];
      for (const [deviceId, ops] of devices) {
        ops.sort((a, b) => a.seq - b.seq);
        for (const entry of ops) out.push(toCanonicalJson(entry.op, deviceId));
      }
      process.stdout.write(out.length === 0 ? '' : `${out.join('\n')}\n`);
    });

  codec
    .command('inspect')
    .description('print a frame header and its ops as JSON')
    .argument('<file>', 'frame file')
    .exitOverride()
    .action(async (file: string) => {
      const codec = await createCodec();
      const bytes = readFrame(file);
      const frame = inFile(file, () => codec.decodeFrame(bytes));
      const ops = frame.ops.map((e) => ({ seq: e.seq, hlc: e.hlc, op: e.op }));
      process.stdout.write(`${JSON.stringify({ bytes: bytes.length, header: frame.header, ops }, null, 2)}\n`);
    });
}
