import {
  closeSync,
  createReadStream,
  createWriteStream,
  mkdtempSync,
  openSync,
  readSync,
  rmSync,
  statSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { StringDecoder } from 'node:string_decoder';
import { parseTraceLine, type TraceEntry, ValidationError } from '@media-sync/protocol';
import { CliError, fileError } from './errors.js';

/** Where a trace comes from: a file path, or `-` for standard input. */
export interface TraceSource {
  readonly path: string;
  /** Standard input, for `-` (tests hand in their own stream). */
  readonly stdin?: Readable;
  /** The name to report it under; default its path, or `stdin`. */
  readonly label?: string;
}

/** The name a trace is reported under: its label, its path, or `stdin`. */
export function traceLabel(source: TraceSource): string {
  return source.label ?? (source.path === '-' ? 'stdin' : source.path);
}

function openTrace(source: TraceSource): Readable {
  if (source.path === '-') return source.stdin ?? process.stdin;
  let isDirectory: boolean;
  try {
    isDirectory = statSync(source.path).isDirectory();
  } catch (error) {
    throw fileError('read trace', source.path, error);
  }
  if (isDirectory) throw new CliError('BAD_INPUT', `cannot read trace ${source.path}: it is a directory, not a file`);
  return createReadStream(source.path);
}

const BOM = '\uFEFF';

/**
 * The entries of a §2 JSON Lines trace, read line by line: memory stays within one line
 * whatever the file's size. A leading UTF-8 BOM is skipped, blank lines too; a bad line throws
 * its `ValidationError` with `location` `<file>:<line>`.
 */
export async function* readTrace(source: TraceSource): AsyncGenerator<TraceEntry> {
  const label = traceLabel(source);
  const input = openTrace(source);
  const failed = new Promise<never>((_, reject) => {
    input.once('error', (error) => reject(fileError('read trace', label, error)));
  });
  failed.catch(() => undefined);
  const lines = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
  let number = 0;
  try {
    const iterator = lines[Symbol.asyncIterator]();
    for (;;) {
      const next = await Promise.race([iterator.next(), failed]);
      if (next.done) break;
      number += 1;
      const line = number === 1 && next.value.startsWith(BOM) ? next.value.slice(1) : next.value;
      if (line.trim() === '') continue;
      yield parseLine(line, label, number);
    }
  } finally {
    lines.close();
    if (input !== process.stdin && input !== source.stdin) input.destroy();
  }
}

/**
 * `readTrace` for synchronous callers (the benchmarks): a file (or `-`, standard input) read in
 * 64 KiB chunks, so a trace larger than the biggest string still reads; memory stays within a
 * chunk and one line.
 */
export function* readTraceSync(path: string): Generator<TraceEntry> {
  const label = path === '-' ? 'stdin' : path;
  let fd = 0;
  try {
    if (path !== '-') {
      if (statSync(path).isDirectory()) throw Object.assign(new Error('directory'), { code: 'EISDIR' });
      fd = openSync(path, 'r');
    }
  } catch (error) {
    throw fileError('read trace', path, error);
  }
  try {
    const decoder = new StringDecoder('utf8');
    const chunk = Buffer.alloc(64 * 1024);
    let rest = '';
    let number = 0;
    const take = function* (line: string): Generator<TraceEntry> {
      number += 1;
      const text = (number === 1 && line.startsWith(BOM) ? line.slice(1) : line).replace(/\r$/, '');
      if (text.trim() !== '') yield parseLine(text, label, number);
    };
    for (;;) {
      const read = readSync(fd, chunk, 0, chunk.length, null);
      if (read === 0) break;
      rest += decoder.write(chunk.subarray(0, read));
      let newline = rest.indexOf('\n');
      let start = 0;
      while (newline !== -1) {
        yield* take(rest.slice(start, newline));
        start = newline + 1;
        newline = rest.indexOf('\n', start);
      }
      rest = rest.slice(start);
    }
    rest += decoder.end();
    if (rest !== '') yield* take(rest);
  } finally {
    if (fd !== 0) closeSync(fd);
  }
}

function parseLine(line: string, label: string, number: number): TraceEntry {
  try {
    return parseTraceLine(line);
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    throw new ValidationError(error.code, error.field, error.value, error.detail, {
      cause: error,
      location: `${label}:${number}`,
    });
  }
}

/**
 * Runs `use` with the trace as a file it may read more than once: a path as it is, standard
 * input copied to a temporary file first (removed afterwards).
 */
export async function withTraceFile<T>(source: TraceSource, use: (file: TraceSource) => Promise<T>): Promise<T> {
  if (source.path !== '-') return use(source);
  const dir = mkdtempSync(join(tmpdir(), 'media-sync-stdin-'));
  try {
    const path = join(dir, 'trace.jsonl');
    await pipeline(source.stdin ?? process.stdin, createWriteStream(path));
    return await use({ path, label: 'stdin' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
