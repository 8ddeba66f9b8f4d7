import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CodecError, createCodec, type EncodeOptions } from '@media-sync/codec';
import { type Hlc, type SequencedOperation, type SyncOperation, toCanonicalJson } from '@media-sync/protocol';
import type { Command } from 'commander';
import { CliError, fileError } from '../errors.js';
import { readTrace as readTraceEntries, readTraceSync, type TraceSource, traceLabel } from '../trace-input.js';

/** Fails before the output folder is touched when the trace cannot be read. */
function traceIsReadable(path: string): void {
  let isDirectory: boolean;
  try {
    isDirectory = statSync(path).isDirectory();
  } catch (error) {
    throw fileError('read trace', path, error);
  }
  if (isDirectory) throw new CliError('BAD_INPUT', `cannot read trace ${path}: it is a directory, not a file`);
}

/** A trace's ops grouped by device (first-appearance order), with seqs and HLCs assigned. */
export interface DeviceOps {
  readonly deviceId: string;
  /** The user of the device's ops (for device-command baselines), when it has any. */
  readonly userId: string | undefined;
  readonly ops: SequencedOperation[];
}

/** The whole trace grouped by device, for the benchmarks (read line by line; the ops are kept). */
export function readTrace(file: string): DeviceOps[] {
  const devices = new Map<string, DeviceCursor>();
  let line = 0;
  for (const entry of readTraceSync(file)) {
    line += 1;
    if (entry.deviceId === undefined) throw new CliError('BAD_INPUT', `${file}: entry ${line} has no deviceId`);
    let device = devices.get(entry.deviceId);
    if (device === undefined) {
      device = { deviceId: entry.deviceId, userId: undefined, ops: [], seq: 0, hlc: undefined };
      devices.set(entry.deviceId, device);
    }
    device.ops.push(sequence(device, entry.op));
  }
  return [...devices.values()].map((d) => ({ deviceId: d.deviceId, userId: d.userId, ops: d.ops }));
}

/** One device's part of a trace while it is read: the ops not yet written, and its clock. */
interface DeviceCursor {
  readonly deviceId: string;
  /** The user of the device's ops (for device-command baselines), once one is seen. */
  userId: string | undefined;
  /** Ops read but not yet written as a frame (at most `--batch`). */
  ops: SequencedOperation[];
  seq: number;
  hlc: Hlc | undefined;
}

/**
 * Reads a §2 trace line by line and hands over frames' worth of one device's ops: a device's
 * ops once it has `batch` of them, and at the end the rest in order of first appearance.
 * Seqs per device start at 1 in trace order; the HLC is derived from the timestamp as a local
 * tick would: physicalMs = max(timestamp, previous physicalMs), logical counts up within one
 * millisecond, nodeId = deviceId. Memory: `batch` ops per device.
 */
export async function* traceBatches(
  source: TraceSource,
  batch: number,
): AsyncGenerator<{ deviceId: string; userId: string | undefined; ops: SequencedOperation[] }> {
  const devices = new Map<string, DeviceCursor>();
  let line = 0;
  for await (const entry of readTraceEntries(source)) {
    line += 1;
    if (entry.deviceId === undefined) {
      throw new CliError(
        'BAD_INPUT',
        `${traceLabel(source)}: entry ${line} has no deviceId (codec encode groups ops by device)`,
      );
    }
    const deviceId = entry.deviceId;
    let device = devices.get(deviceId);
    if (device === undefined) {
      device = { deviceId, userId: undefined, ops: [], seq: 0, hlc: undefined };
      devices.set(deviceId, device);
    }
    device.ops.push(sequence(device, entry.op));
    if (device.ops.length === batch) {
      yield { deviceId, userId: device.userId, ops: device.ops };
      device.ops = [];
    }
  }
  for (const device of devices.values()) {
    if (device.ops.length > 0) yield { deviceId: device.deviceId, userId: device.userId, ops: device.ops };
  }
}

/** The device's next seq and HLC for `op` (see `traceBatches`). */
function sequence(device: DeviceCursor, op: SyncOperation): SequencedOperation {
  const { deviceId } = device;
  if (op.type !== 'deviceCommand') device.userId ??= op.userId;
  const prev = device.hlc;
  const hlc: Hlc =
    prev !== undefined && prev.physicalMs >= op.timestamp
      ? { physicalMs: prev.physicalMs, logical: prev.logical + 1, nodeId: deviceId }
      : { physicalMs: op.timestamp, logical: 0, nodeId: deviceId };
  device.hlc = hlc;
  device.seq += 1;
  return { deviceId, seq: device.seq, hlc, op };
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
      throw fileError('read frame', path, error);
    }
    if (stat.isDirectory()) {
      const frames = readdirSync(path)
        .sort()
        .filter((name) => name.endsWith('.frame'));
      if (frames.length === 0) throw new CliError('BAD_INPUT', `${path} holds no .frame files`);
      for (const name of frames) files.push(join(path, name));
    } else files.push(path);
  }
  return files;
}

function readFrame(file: string): Uint8Array {
  try {
    return new Uint8Array(readFileSync(file));
  } catch (error) {
    throw fileError('read frame', file, error);
  }
}

/**
 * Decode failures name the file; the CodecError code and byte offset are in its message. A
 * user-bound frame (the queue's frames: their channel names the user) read without `--user`
 * says which flag names it.
 */
function inFile<T>(file: string, decode: () => T): T {
  try {
    return decode();
  } catch (error) {
    const hint =
      error instanceof CodecError && error.code === 'USER_REQUIRED'
        ? ': pass --user ID, the user of the channel the frame came from'
        : '';
    throw new Error(`${file}: ${(error as Error).message}${hint}`);
  }
}

/** `--user ID`: the user whose channel the frames came from (a user id is 1..256 UTF-8 bytes). */
function userIdOption(value: string): string {
  const bytes = new TextEncoder().encode(value).length;
  if (bytes === 0 || bytes > 256 || /\p{Cs}/u.test(value)) {
    throw new Error(`--user must be a user id of 1..256 UTF-8 bytes, got ${JSON.stringify(value.slice(0, 80))}`);
  }
  return value;
}

const USER_OPTION_HELP =
  'the user whose channel the frames came from (queue, broker topic, gateway token): needed by user-bound frames, which leave the user out';

interface EncodeFlags {
  trace: string;
  out: string;
  batch: number;
  level?: number;
  dict: boolean;
  compress: boolean;
  force?: boolean;
  bindUser?: boolean;
  json?: boolean;
}

/**
 * The output folder, created if missing. One that already holds files is refused unless
 * `--force`: old frames beside the new ones would decode as one trace.
 */
function prepareOutput(out: string, force: boolean): void {
  let entries: string[];
  try {
    entries = readdirSync(out);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOTDIR') throw new CliError('BAD_OUTPUT', `--out ${out} is a file, not a folder`);
    if (code !== 'ENOENT') throw fileError('read folder', out, error, 'BAD_OUTPUT');
    try {
      mkdirSync(out, { recursive: true });
    } catch (cause) {
      throw fileError('create folder', out, cause, 'BAD_OUTPUT');
    }
    return;
  }
  if (entries.length > 0 && !force) {
    throw new CliError(
      'BAD_OUTPUT',
      `--out ${out} is not empty (${entries.length} entries); its frames would mix with the new ones: choose an empty folder, or add --force to replace its .frame files`,
    );
  }
  if (force) {
    // Replace earlier frames: only .frame files, never anything else the folder holds.
    for (const name of entries) if (name.endsWith('.frame')) rmSync(join(out, name), { force: true });
  }
}

export function registerCodecCommands(codec: Command): void {
  codec
    .command('encode')
    .description('encode a trace into frames, one file per frame (NNNNNN-<device>.frame), ops grouped by deviceId')
    .requiredOption('--trace <file>', 'trace in the §2 JSON Lines format, each line with deviceId, or - for stdin')
    .requiredOption('--out <dir>', 'directory for the frame files (created if missing; must be empty)')
    .option('--batch <n>', 'ops per frame', positiveInteger('--batch', 100_000), 1000)
    .option('--level <n>', 'zstd level 1..22', positiveInteger('--level', 22))
    .option('--no-dict', 'compress without the trained dictionary')
    .option('--no-compress', 'leave bodies uncompressed')
    .option('--force', 'write into a folder that is not empty, replacing its .frame files')
    .option(
      '--bind-user',
      "user-bound frames, as the queue sends them: the user is left out (decode them with --user); a frame whose ops name another user than the device's first names its users",
    )
    .option('--json', 'print the totals as JSON')
    .exitOverride()
    .action(async (flags: EncodeFlags) => {
      const source: TraceSource = { path: flags.trace };
      if (flags.trace !== '-') traceIsReadable(flags.trace);
      prepareOutput(flags.out, flags.force === true);
      const codec = await createCodec();
      let index = 0;
      for await (const frameOps of traceBatches(source, flags.batch)) {
        const options: EncodeOptions = {
          dictionary: flags.dict,
          compression: flags.compress,
          ...(flags.level === undefined ? {} : { level: flags.level }),
          ...(frameOps.userId === undefined ? {} : { userId: frameOps.userId }),
          ...(flags.bindUser === true && frameOps.userId !== undefined ? { bindUser: true } : {}),
        };
        const frame = codec.encodeFrame(frameOps.deviceId, frameOps.ops, options);
        index++;
        const safe = frameOps.deviceId.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 64);
        const file = join(flags.out, `${String(index).padStart(6, '0')}-${safe}.frame`);
        try {
          writeFileSync(file, frame.bytes);
        } catch (error) {
          throw fileError('write frame', file, error, 'BAD_OUTPUT');
        }
      }
      const m = codec.metrics();
      const bytesPerOp = m.ops === 0 ? 0 : m.bytesWire / m.ops;
      process.stdout.write(
        flags.json
          ? `${JSON.stringify({ out: flags.out, frames: index, ops: m.ops, bytes: m.bytesWire, bytesPerOp, bytesJson: m.bytesJson, savingsPercent: m.savingsPercent })}\n`
          : `${index} frames, ${m.ops} ops, ${m.bytesWire} bytes (${bytesPerOp.toFixed(2)} B/op; ` +
              `reference JSON ${m.bytesJson} bytes, savings ${m.savingsPercent.toFixed(2)} %)\n`,
      );
    });

  codec
    .command('decode')
    .description('decode frames to canonical JSON Lines with deviceId, grouped by device in seq order')
    .argument('<paths...>', 'frame files, or directories of .frame files')
    .option('--user <id>', USER_OPTION_HELP, userIdOption)
    .exitOverride()
    .action(async (paths: string[], flags: { user?: string }) => {
      const codec = await createCodec();
      const options = flags.user === undefined ? {} : { userId: flags.user };
      const devices = new Map<string, SequencedOperation[]>();
      for (const file of frameFiles(paths)) {
        const bytes = readFrame(file);
        const frame = inFile(file, () => codec.decodeFrame(bytes, options));
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
    .option('--user <id>', USER_OPTION_HELP, userIdOption)
    .exitOverride()
    .action(async (file: string, flags: { user?: string }) => {
      const codec = await createCodec();
      const bytes = readFrame(file);
      const frame = inFile(file, () =>
        codec.decodeFrame(bytes, flags.user === undefined ? {} : { userId: flags.user }),
      );
      const ops = frame.ops.map((e) => ({ seq: e.seq, hlc: e.hlc, op: e.op }));
      process.stdout.write(`${JSON.stringify({ bytes: bytes.length, header: frame.header, ops }, null, 2)}\n`);
    });
}
