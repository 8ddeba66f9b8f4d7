import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SyncOperation } from '@media-sync/protocol';
import { readTraceSync } from './trace-input.js';

/**
 * `../shared/traces/standard-20k.jsonl` beside the repository root (found by its turbo.json),
 * when it is there: the standard trace that tests, benchmarks and the demo measure on.
 */
export function standardTracePath(): string | undefined {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'turbo.json'))) {
      const candidate = resolve(dir, '../shared/traces/standard-20k.jsonl');
      return existsSync(candidate) ? candidate : undefined;
    }
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/**
 * Why a benchmark has no trace, and how to get one: a fresh clone has no `../shared/traces`
 * beside it, and "not found" alone left a newcomer at the README's first bench command.
 */
export function missingTraceError(): Error {
  return new Error(
    'no --trace given and ../shared/traces/standard-20k.jsonl is not beside the repository: make a trace with ' +
      '`npx media-sync trace generate --seed 1 --ops 20000 --out trace.jsonl` and pass --trace trace.jsonl',
  );
}

/** The ops of the trace's busiest device (all of one user in the standard trace), in order. */
export function loadBusiestDevice(trace: string): { deviceId: string; ops: SyncOperation[] } {
  const byDevice = new Map<string, SyncOperation[]>();
  for (const entry of readTraceSync(trace)) {
    const deviceId = entry.deviceId ?? 'bench-device';
    const ops = byDevice.get(deviceId);
    if (ops) ops.push(entry.op);
    else byDevice.set(deviceId, [entry.op]);
  }
  const [deviceId, ops] = [...byDevice].sort((a, b) => b[1].length - a[1].length)[0] ?? ['bench-device', []];
  if (ops.length === 0) throw new Error(`trace ${trace} holds no ops`);
  return { deviceId, ops };
}

/** The median of benchmark samples (the mean of the middle two for an even count). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}
