import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NewQueueRecord } from '@media-sync/queue';

/** A fresh directory per call, removed by the returned cleanup. */
export function tempDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'media-sync-sqlite-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A progress-update record whose body names `label`, so duplicates and losses can be told apart. */
export function progressRecord(label: string, key = 'user-1\ncontent-1'): NewQueueRecord {
  return {
    hlc: `0000000000001:0000:${label}`,
    type: 'progressUpdate',
    coalesceKey: key,
    expiresAt: null,
    body: new TextEncoder().encode(label),
    enqueuedAt: 1_700_000_000_000,
  };
}

export function commandRecord(label: string, expiresAt: number): NewQueueRecord {
  return {
    hlc: `0000000000001:0000:${label}`,
    type: 'deviceCommand',
    coalesceKey: null,
    expiresAt,
    body: new TextEncoder().encode(label),
    enqueuedAt: 1_700_000_000_000,
  };
}

export const bodyText = (body: Uint8Array): string => new TextDecoder().decode(body);
