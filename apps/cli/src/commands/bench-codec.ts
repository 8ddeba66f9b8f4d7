import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import {
  BatchField,
  type Codec,
  createCodec,
  createZstd,
  DEFAULT_LEVEL,
  type EncodeOptions,
  referenceJsonEnvelope,
} from '@media-sync/codec';
import { decodeSyncMessage, encodeSyncMessage, media_sync, type SequencedOperation } from '@media-sync/protocol';
import { SingleBar } from 'cli-progress';
import type { Command } from 'commander';
import { Packr, pack, unpack } from 'msgpackr';
import { median, missingTraceError, standardTracePath } from '../trace-files.js';
import { generateTrace, type TraceOptions } from '../trace-generator.js';
import { type DeviceOps, readTrace } from './codec.js';

/** One row of the §11 table. */
export interface BenchRow {
  readonly name: string;
  readonly bytesPerOp: number;
  /** Medians over the runs; undefined for size-only rows. */
  readonly encodeOpsPerSec?: number;
  readonly decodeOpsPerSec?: number;
  /** The same per second of process CPU time (user + system): steadier on a shared machine. */
  readonly encodeOpsPerCpuSec?: number;
  readonly decodeOpsPerCpuSec?: number;
}

interface Contender {
  readonly name: string;
  /** Encodes every op; returns the encoded units. */
  encode(): Uint8Array[] | string[];
  /** Decodes the units; returns the number of ops recovered. */
  decode(units: Uint8Array[] | string[]): number;
}

function chunks(devices: readonly DeviceOps[], size: number): { device: DeviceOps; ops: SequencedOperation[] }[] {
  const out: { device: DeviceOps; ops: SequencedOperation[] }[] = [];
  for (const device of devices) {
    for (let i = 0; i < device.ops.length; i += size) out.push({ device, ops: device.ops.slice(i, i + size) });
  }
  return out;
}

const textEncoder = new TextEncoder();

function byteLength(units: Uint8Array[] | string[]): number {
  let n = 0;
  for (const u of units) n += typeof u === 'string' ? textEncoder.encode(u).length : u.length;
  return n;
}

/** Each timed run lasts at least this long (one pass minimum). */
const MIN_RUN_MS = 300;

/** Repeats `pass` for at least MIN_RUN_MS; returns passes per wall-clock second and per CPU second. */
function timed(pass: () => void): { wall: number; cpu: number } {
  let passes = 0;
  const cpuStart = process.cpuUsage();
  const started = performance.now();
  let elapsed = 0;
  do {
    pass();
    passes++;
    elapsed = performance.now() - started;
  } while (elapsed < MIN_RUN_MS);
  const cpu = process.cpuUsage(cpuStart);
  return { wall: passes / (elapsed / 1000), cpu: passes / ((cpu.user + cpu.system) / 1e6) };
}

async function contenders(devices: readonly DeviceOps[], codec: Codec): Promise<Contender[]> {
  const zstd = await createZstd();
  const all = devices.flatMap((d) => d.ops.map((entry) => ({ entry, userId: d.userId })));
  const byThousand = chunks(devices, 1000);
  const byFiveHundred = chunks(devices, 500);
  const list: Contender[] = [
    {
      name: 'reference JSON envelope',
      encode: () => all.map(({ entry, userId }) => referenceJsonEnvelope(entry, userId)),
      decode: (units) => {
        let n = 0;
        for (const u of units as string[]) if (JSON.parse(u)) n++;
        return n;
      },
    },
    {
      name: 'JSON batch (1000) + gzip',
      encode: () => byThousand.map((c) => new Uint8Array(gzipSync(JSON.stringify(c.ops)))),
      decode: (units) => {
        let n = 0;
        for (const u of units as Uint8Array[]) n += (JSON.parse(gunzipSync(u).toString('utf8')) as unknown[]).length;
        return n;
      },
    },
    {
      name: 'msgpackr',
      encode: () => all.map(({ entry }) => pack(entry)),
      decode: (units) => {
        let n = 0;
        for (const u of units as Uint8Array[]) if (unpack(u)) n++;
        return n;
      },
    },
    {
      // Records (msgpackr's shared structures) are its most compact mode for arrays of like objects.
      name: 'msgpackr batch (1000, records) + zstd-19',
      encode: () => byThousand.map((c) => zstd.compress(new Packr({ useRecords: true }).pack(c.ops), 19)),
      decode: (units) => {
        let n = 0;
        for (const u of units as Uint8Array[]) {
          n += (new Packr({ useRecords: true }).unpack(zstd.decompress(u, 64 * 1024 * 1024)) as unknown[]).length;
        }
        return n;
      },
    },
    {
      name: 'msgpackr batch (500, records) + zstd-19',
      encode: () => byFiveHundred.map((c) => zstd.compress(new Packr({ useRecords: true }).pack(c.ops), 19)),
      decode: (units) => {
        let n = 0;
        for (const u of units as Uint8Array[]) {
          n += (new Packr({ useRecords: true }).unpack(zstd.decompress(u, 64 * 1024 * 1024)) as unknown[]).length;
        }
        return n;
      },
    },
    {
      name: 'protobuf SyncMessage',
      encode: () => all.map(({ entry, userId }) => encodeSyncMessage(entry, userId ?? 'unknown-user')),
      decode: (units) => {
        let n = 0;
        for (const u of units as Uint8Array[]) if (decodeSyncMessage(u)) n++;
        return n;
      },
    },
  ];
  for (const size of BATCH_SIZES)
    list.push(codecContender(`media-sync batch ${size}`, chunks(devices, size), codec, true));
  list.push(codecContender(USER_IN_FRAME_ROW, byFiveHundred, codec, false));
  return list;
}

/** The row of frames that name their user, beside the user-bound ones the queue sends. */
const USER_IN_FRAME_ROW = 'media-sync batch 500, user in the frame';

/**
 * Frames of `parts` as a channel sends them: `bindUser` leaves the user out (the queue's frames:
 * every channel names its user) and decoding names it, as a subscriber of the user's topic does.
 */
function codecContender(
  name: string,
  parts: readonly { device: DeviceOps; ops: DeviceOps['ops'] }[],
  codec: Codec,
  bindUser: boolean,
): Contender {
  const decodeOptions = parts.map(({ device }) => (device.userId === undefined ? {} : { userId: device.userId }));
  return {
    name,
    encode: () => parts.map((c) => codec.encodeFrame(c.device.deviceId, c.ops, frameOptions(c.device, bindUser)).bytes),
    decode: (units) => {
      const frames = units as Uint8Array[];
      let n = 0;
      for (let i = 0; i < frames.length; i++)
        n += codec.decodeFrame(frames[i] as Uint8Array, decodeOptions[i]).ops.length;
      return n;
    },
  };
}

/** Encode options of a device's frames: its user, bound to the frame's channel when `bindUser`. */
function frameOptions(device: DeviceOps, bindUser: boolean): EncodeOptions {
  if (device.userId === undefined) return {};
  return bindUser ? { userId: device.userId, bindUser: true } : { userId: device.userId };
}

/** The frame sizes measured; 500 is the queue's largest frame. */
const BATCH_SIZES = [1, 10, 100, 500, 1000];

/**
 * Bytes of one progress update sent alone: self-contained — user-bound (the channel names the
 * user, as the queue's broker topics and the gateway's token do) and with the user in the frame —
 * and over a session with acknowledged context.
 */
function singleProgress(devices: readonly DeviceOps[], codec: Codec): BenchRow[] {
  let alone = 0;
  let aloneWithUser = 0;
  let aloneCount = 0;
  let withContext = 0;
  let contextCount = 0;
  for (const device of devices) {
    const encoder = codec.createSessionEncoder();
    const decoder = codec.createSessionDecoder(undefined, { deviceId: device.deviceId });
    for (const entry of device.ops) {
      const options = device.userId === undefined ? {} : { userId: device.userId };
      const isProgress = entry.op.type === 'progressUpdate';
      if (entry.op.type === 'progressUpdate') {
        aloneWithUser += codec.encodeFrame(device.deviceId, [entry], options).bytes.length;
        const userId = entry.op.userId;
        alone += codec.encodeFrame(device.deviceId, [entry], { userId, bindUser: true }).bytes.length;
        aloneCount++;
      }
      const frame = encoder.encode(device.deviceId, [entry], options);
      const decoded = decoder.decode(frame.bytes);
      encoder.acknowledge(decoded.version);
      if (isProgress && frame.header.contextVersion !== 0) {
        withContext += frame.bytes.length;
        contextCount++;
      }
    }
  }
  return [
    {
      name: 'one progress update alone, self-contained, user in the frame',
      bytesPerOp: aloneCount === 0 ? 0 : aloneWithUser / aloneCount,
    },
    {
      name: SELF_CONTAINED_ROW,
      bytesPerOp: aloneCount === 0 ? 0 : alone / aloneCount,
    },
    {
      name: 'one progress update alone, with session context',
      bytesPerOp: contextCount === 0 ? 0 : withContext / contextCount,
    },
  ];
}

/** The row of the §11 target: the user-bound frame, its user named by the channel. */
const SELF_CONTAINED_ROW = 'one progress update alone, self-contained, user named by its channel';

/** Bytes per op of the codec alone at the given batch sizes (a trace measured for size only). */
async function codecSizes(devices: readonly DeviceOps[], codec: Codec): Promise<Map<number, number>> {
  const total = devices.reduce((n, d) => n + d.ops.length, 0);
  const sizes = new Map<number, number>();
  for (const size of [500, 1000]) {
    let bytes = 0;
    for (const c of chunks(devices, size))
      bytes += codec.encodeFrame(c.device.deviceId, c.ops, frameOptions(c.device, true)).bytes.length;
    sizes.set(size, total === 0 ? 0 : bytes / total);
  }
  return sizes;
}

/**
 * The trace the codec was not tuned to when `--alt-trace` is not given: other id shapes (slugs,
 * not UUIDs), unicode in device names and payloads, six devices.
 */
export const DEFAULT_ALT_TRACE: TraceOptions = {
  seed: 20_260_101,
  ops: 20_000,
  idShape: 'slug',
  unicode: true,
  devices: 6,
};

export interface BenchOptions {
  readonly trace: string;
  readonly runs: number;
  readonly progress?: boolean;
  /** A second trace measured for size (bytes/op at batch 500 and 1000); default DEFAULT_ALT_TRACE. */
  readonly altTrace?: string;
}

/** Size rows of the other trace: name and bytes/op. */
export interface AltRow {
  readonly name: string;
  readonly bytesPerOp: number;
}

/** The other trace's size rows: `--alt-trace`, or DEFAULT_ALT_TRACE generated into a temp file. */
export async function benchAltTrace(options: BenchOptions): Promise<{ label: string; rows: AltRow[] }> {
  const codec = await createCodec();
  let file = options.altTrace;
  let label = file ?? '';
  let dir: string | undefined;
  if (file === undefined) {
    dir = mkdtempSync(join(tmpdir(), 'bench-codec-'));
    file = join(dir, 'alt.jsonl');
    writeFileSync(file, `${generateTrace(DEFAULT_ALT_TRACE).join('\n')}\n`);
    const { seed, ops, idShape, devices } = DEFAULT_ALT_TRACE;
    label = `trace generate --seed ${seed} --ops ${ops} --id-shape ${idShape} --unicode --devices ${devices}`;
  }
  try {
    const sizes = await codecSizes(readTrace(file), codec);
    return {
      label,
      rows: [...sizes].map(([size, bytesPerOp]) => ({ name: `media-sync batch ${size}`, bytesPerOp })),
    };
  } finally {
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  }
}

export async function benchCodec(options: BenchOptions): Promise<BenchRow[]> {
  const devices = readTrace(options.trace);
  const total = devices.reduce((n, d) => n + d.ops.length, 0);
  if (total === 0) throw new Error(`trace ${options.trace} has no operations`);
  // The contenders compute no reference-JSON baselines either: leave them out of the codec's totals.
  const codec = await createCodec({ baselineTotals: false });
  const list = await contenders(devices, codec);
  const bar =
    options.progress === false
      ? undefined
      : new SingleBar({
          stream: process.stderr,
          format: 'bench codec [{bar}] {value}/{total} {task}',
          hideCursor: true,
        });
  bar?.start(list.length * options.runs + 1, 0, { task: '' });
  const rows: BenchRow[] = [];
  try {
    for (const contender of list) {
      const encodeRates: number[] = [];
      const decodeRates: number[] = [];
      const encodeCpuRates: number[] = [];
      const decodeCpuRates: number[] = [];
      let bytes = 0;
      // One untimed warm-up pass (JIT, caches), then each run repeats the pass for at least
      // MIN_RUN_MS so short passes are not dominated by timer noise: steady-state throughput.
      let units = contender.encode();
      const decoded = contender.decode(units);
      if (decoded !== total) throw new Error(`${contender.name} decoded ${decoded} of ${total} ops`);
      bytes = byteLength(units);
      for (let run = 0; run < options.runs; run++) {
        bar?.increment(0, { task: contender.name });
        const encode = timed(() => {
          units = contender.encode();
        });
        encodeRates.push(total * encode.wall);
        encodeCpuRates.push(total * encode.cpu);
        const decode = timed(() => contender.decode(units));
        decodeRates.push(total * decode.wall);
        decodeCpuRates.push(total * decode.cpu);
        bar?.increment(1);
      }
      rows.push({
        name: contender.name,
        bytesPerOp: bytes / total,
        encodeOpsPerSec: median(encodeRates),
        decodeOpsPerSec: median(decodeRates),
        encodeOpsPerCpuSec: median(encodeCpuRates),
        decodeOpsPerCpuSec: median(decodeCpuRates),
      });
    }
    bar?.increment(0, { task: 'single progress updates' });
    rows.push(...singleProgress(devices, codec));
    bar?.increment(1);
  } finally {
    bar?.stop();
  }
  return rows;
}

function formatRate(rate: number | undefined): string {
  return rate === undefined ? '—' : Math.round(rate).toLocaleString('en-US');
}

/** §11 targets against the rows of one run: what was measured, the target, met or not. */
export function targetLines(rows: readonly BenchRow[], alt?: { label: string; rows: readonly AltRow[] }): string[] {
  const row = (name: string) => rows.find((r) => r.name === name);
  const bytes = (name: string) => row(name)?.bytesPerOp ?? Number.NaN;
  const reference = bytes('msgpackr batch (1000, records) + zstd-19');
  const reference500 = bytes('msgpackr batch (500, records) + zstd-19');
  const lines = ['| §11 target | measured | target | met | vs msgpackr + zstd-19 |', '|---|---:|---:|:-:|---:|'];
  const size = (label: string, value: number, limit: number, versus: number) =>
    lines.push(
      `| ${label} | ${value.toFixed(2)} B/op | ≤ ${limit} | ${value <= limit ? 'yes' : 'no'} | ${(versus / value).toFixed(2)}× smaller |`,
    );
  size('standard trace, batch 1000', bytes('media-sync batch 1000'), 2.8, reference);
  size('standard trace, batch 500', bytes('media-sync batch 500'), 3.0, reference500);
  const alone = (label: string, value: number, limit: number, note = '') =>
    lines.push(`| ${label} | ${value.toFixed(2)} B${note} | ≤ ${limit} | ${value <= limit ? 'yes' : 'no'} | — |`);
  alone('one progress update alone, session context', bytes('one progress update alone, with session context'), 16);
  alone(
    'one progress update alone, self-contained',
    bytes(SELF_CONTAINED_ROW),
    64,
    ` (user named by its channel; ${bytes('one progress update alone, self-contained, user in the frame').toFixed(2)} B with the user in the frame)`,
  );
  const ratio = (label: string, ours: number | undefined, theirs: number | undefined, versusName: string) => {
    const r = ours === undefined || theirs === undefined ? Number.NaN : ours / theirs;
    lines.push(
      `| ${label} | ${formatRate(ours)} ops/CPU-s | ≥ 2× ${versusName} (${formatRate(theirs)}) | ${r >= 2 ? 'yes' : 'no'} | ${r.toFixed(2)}× |`,
    );
  };
  ratio(
    'encode, batch 500',
    row('media-sync batch 500')?.encodeOpsPerCpuSec,
    row('msgpackr')?.encodeOpsPerCpuSec,
    "msgpackr's single-op pack",
  );
  ratio(
    'decode, batch 500',
    row('media-sync batch 500')?.decodeOpsPerCpuSec,
    row('msgpackr batch (500, records) + zstd-19')?.decodeOpsPerCpuSec,
    'msgpackr batch + zstd decode',
  );
  if (alt !== undefined) {
    for (const a of alt.rows) {
      const standard = bytes(a.name);
      const change = 100 * (a.bytesPerOp / standard - 1);
      lines.push(
        `| other trace, ${a.name.replace('media-sync ', '')} (${alt.label}) | ${a.bytesPerOp.toFixed(2)} B/op | within 20 % of ${standard.toFixed(2)} | ${Math.abs(change) <= 20 ? 'yes' : 'no'} (${change >= 0 ? '+' : ''}${change.toFixed(1)} %) | — |`,
      );
    }
  }
  return lines;
}

export function toMarkdown(
  rows: readonly BenchRow[],
  trace: string,
  runs: number,
  alt?: { label: string; rows: readonly AltRow[] },
): string {
  const reference = rows[0]?.bytesPerOp ?? 0;
  const lines = [
    `Codec benchmark on \`${trace}\`: bytes/op over the whole trace; ops/s are medians of ${runs} runs, each repeating the whole trace for at least ${MIN_RUN_MS} ms after a warm-up pass, per wall-clock second and per second of process CPU time (the latter is steadier when other processes share the cores).`,
    '',
    '| format | bytes/op | vs JSON envelope | encode ops/s | decode ops/s | encode ops/CPU-s | decode ops/CPU-s |',
    '|---|---:|---:|---:|---:|---:|---:|',
  ];
  for (const row of rows) {
    const ratio = reference === 0 ? '' : `${((100 * row.bytesPerOp) / reference).toFixed(2)} %`;
    lines.push(
      `| ${row.name} | ${row.bytesPerOp.toFixed(2)} | ${ratio} | ${formatRate(row.encodeOpsPerSec)} | ${formatRate(row.decodeOpsPerSec)} | ${formatRate(row.encodeOpsPerCpuSec)} | ${formatRate(row.decodeOpsPerCpuSec)} |`,
    );
  }
  lines.push(
    '',
    'The media-sync batch rows are user-bound frames, as the queue and the WebSocket publisher send them (`bindUser`: every channel names its user — a per-user broker topic, the gateway\'s token — so the frame leaves the user out and its checksum covers it), decoded with the channel\'s user; the row marked "user in the frame" is the frame that names its user, for comparison.',
    '',
    'The last three rows average every progress update of the trace sent as its own frame: self-contained with its user in',
    'the frame; self-contained and user-bound (`bindUser`: the channel that carries it names the user, as a per-user broker',
    "topic or the gateway's token does, and its checksum covers the user); and over one session per device in which every",
    'frame is acknowledged before the next (so each references the previous context).',
    '',
    ...targetLines(rows, alt),
  );
  return `${lines.join('\n')}\n`;
}

/** Where the bytes of the codec's frames go: one row per Batch field, then the frame header. */
export interface BreakdownRow {
  readonly name: string;
  /** Bytes/op of the field in the uncompressed body (tag and length included). */
  readonly rawBytesPerOp: number;
  /**
   * Bytes/op the field adds to the compressed body: the body compressed as the codec does (its
   * level, the shipped dictionary) minus the same body without the field. Fields share zstd's
   * tables, so these do not add up exactly to the total.
   */
  readonly compressedBytesPerOp: number;
}

const FIELD_NAMES = new Map<number, string>(
  Object.entries(BatchField).map(([name, field]) => [field, name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)]),
);

/** Splits a Batch body into its fields: [field number, start, end] per field, in order. */
function bodyFields(body: Uint8Array): [number, number, number][] {
  const fields: [number, number, number][] = [];
  let pos = 0;
  const varint = () => {
    let v = 0;
    let scale = 1;
    for (;;) {
      const b = body[pos++] as number;
      v += (b & 0x7f) * scale;
      if (b < 0x80) return v;
      scale *= 0x80;
    }
  };
  while (pos < body.length) {
    const start = pos;
    const tag = varint();
    if ((tag & 7) === 0) varint();
    else {
      const length = varint();
      pos += length;
    }
    fields.push([Math.floor(tag / 8), start, pos]);
  }
  return fields;
}

/** Per-field bytes of the codec's frames at `size` ops a frame (`bench codec --breakdown`). */
export async function benchBreakdown(trace: string, size: number): Promise<BreakdownRow[]> {
  const devices = readTrace(trace);
  const total = devices.reduce((n, d) => n + d.ops.length, 0);
  const codec = await createCodec({ baselineTotals: false });
  const zstd = await createZstd();
  const raw = new Map<number, number>();
  const marginal = new Map<number, number>();
  let header = 0;
  let body = 0;
  let compressedBody = 0;
  for (const c of chunks(devices, size)) {
    const options = frameOptions(c.device, true);
    const sent = codec.encodeFrame(c.device.deviceId, c.ops, options).bytes;
    const sentBody = media_sync.v1.Frame.decode(sent).body.length;
    header += sent.length - sentBody;
    compressedBody += sentBody;
    const plain = media_sync.v1.Frame.decode(
      codec.encodeFrame(c.device.deviceId, c.ops, { ...options, compression: false }).bytes,
    ).body;
    body += plain.length;
    const whole = zstd.compress(plain, DEFAULT_LEVEL, 1).length;
    const spans = new Map<number, [number, number][]>();
    for (const [field, start, end] of bodyFields(plain)) {
      raw.set(field, (raw.get(field) ?? 0) + end - start);
      spans.set(field, [...(spans.get(field) ?? []), [start, end]]);
    }
    for (const [field, list] of spans) {
      const without: number[] = [];
      let at = 0;
      for (const [start, end] of list) {
        for (let i = at; i < start; i++) without.push(plain[i] as number);
        at = end;
      }
      for (let i = at; i < plain.length; i++) without.push(plain[i] as number);
      const smaller = without.length === 0 ? 0 : zstd.compress(Uint8Array.from(without), DEFAULT_LEVEL, 1).length;
      marginal.set(field, (marginal.get(field) ?? 0) + whole - smaller);
    }
  }
  const rows: BreakdownRow[] = [...raw]
    .sort((a, b) => (marginal.get(b[0]) ?? 0) - (marginal.get(a[0]) ?? 0))
    .map(([field, bytes]) => ({
      name: FIELD_NAMES.get(field) ?? `field ${field}`,
      rawBytesPerOp: bytes / total,
      compressedBytesPerOp: (marginal.get(field) ?? 0) / total,
    }));
  rows.push(
    { name: 'body (all fields)', rawBytesPerOp: body / total, compressedBytesPerOp: compressedBody / total },
    { name: 'frame header', rawBytesPerOp: header / total, compressedBytesPerOp: header / total },
    { name: 'frame', rawBytesPerOp: (body + header) / total, compressedBytesPerOp: (compressedBody + header) / total },
  );
  return rows;
}

export function breakdownMarkdown(size: number, rows: readonly BreakdownRow[]): string {
  const lines = [
    `Where the bytes go at batch ${size} (bytes/op; "compressed" is what the field adds to the zstd body: the body compressed with the shipped dictionary minus the same body without the field):`,
    '',
    '| field | uncompressed | compressed |',
    '|---|---:|---:|',
    ...rows.map((r) => `| ${r.name} | ${r.rawBytesPerOp.toFixed(3)} | ${r.compressedBytesPerOp.toFixed(3)} |`),
  ];
  return `${lines.join('\n')}\n`;
}

function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** A horizontal bar chart of bytes/op on a log scale. */
export function toSvg(rows: readonly BenchRow[]): string {
  const barHeight = 22;
  const left = 360;
  const width = 940;
  const top = 40;
  const height = top + rows.length * (barHeight + 8) + 30;
  const max = Math.max(...rows.map((r) => r.bytesPerOp), 1);
  const scale = (v: number) => ((width - left - 90) * Math.log10(1 + v)) / Math.log10(1 + max);
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="13">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${width / 2}" y="24" text-anchor="middle" font-size="16">bytes per operation (log scale, lower is better)</text>`,
  ];
  rows.forEach((row, i) => {
    const y = top + i * (barHeight + 8);
    const ours = row.name.startsWith('media-sync') || row.name.startsWith('one progress');
    parts.push(`<text x="${left - 8}" y="${y + 16}" text-anchor="end">${escapeXml(row.name)}</text>`);
    parts.push(
      `<rect x="${left}" y="${y}" width="${scale(row.bytesPerOp).toFixed(1)}" height="${barHeight}" fill="${ours ? '#2b8a3e' : '#868e96'}"/>`,
    );
    parts.push(
      `<text x="${(left + scale(row.bytesPerOp) + 6).toFixed(1)}" y="${y + 16}">${row.bytesPerOp.toFixed(2)}</text>`,
    );
  });
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}

export function registerBenchCodec(bench: Command): void {
  bench
    .command('codec')
    .description('compare the codec with JSON, gzip, msgpackr, zstd and plain protobuf on one trace (§11)')
    .option('--trace <file>', 'trace in the §2 JSON Lines format (default: shared/traces/standard-20k.jsonl)')
    .option('--out <dir>', 'directory for codec-bench.md and codec-bench.svg', 'bench-results')
    .option(
      '--alt-trace <file>',
      'a second trace measured for size against the first (default: generated with slug ids, unicode and 6 devices)',
    )
    .option(
      '--runs <n>',
      'runs per contender (medians are reported)',
      (v) => {
        if (!/^\d+$/.test(v) || Number(v) < 1 || Number(v) > 100)
          throw new Error(`--runs must be an integer 1..100, got ${JSON.stringify(v)}`);
        return Number(v);
      },
      5,
    )
    .option('--breakdown', 'also print where the bytes go: per Batch field and the frame header, at batch 500 and 1000')
    .exitOverride()
    .action(async (options: { trace?: string; out: string; runs: number; altTrace?: string; breakdown?: boolean }) => {
      const trace = options.trace ?? standardTracePath();
      if (trace === undefined) throw missingTraceError();
      const rows = await benchCodec({ trace, runs: options.runs, progress: process.stderr.isTTY !== false });
      const alt = await benchAltTrace({
        trace,
        runs: options.runs,
        ...(options.altTrace === undefined ? {} : { altTrace: options.altTrace }),
      });
      let markdown = toMarkdown(rows, trace, options.runs, alt);
      if (options.breakdown === true) {
        for (const size of [500, 1000]) markdown += `\n${breakdownMarkdown(size, await benchBreakdown(trace, size))}`;
      }
      mkdirSync(options.out, { recursive: true });
      writeFileSync(join(options.out, 'codec-bench.md'), markdown);
      writeFileSync(join(options.out, 'codec-bench.svg'), toSvg(rows));
      process.stdout.write(
        `${markdown}\nwrote ${join(options.out, 'codec-bench.md')} and ${join(options.out, 'codec-bench.svg')}\n`,
      );
    });
}
