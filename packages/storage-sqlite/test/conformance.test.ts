import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { StorageAdapter } from '@media-sync/queue';
import { describeStorageConformance } from '@media-sync/storage-conformance';
import { createSqliteStorage } from '@media-sync/storage-sqlite';

const dirs = new WeakMap<StorageAdapter, string>();

describeStorageConformance({
  name: 'sqlite',
  setup: () => {
    const dir = mkdtempSync(join(tmpdir(), 'media-sync-sqlite-conformance-'));
    const storage = createSqliteStorage({ path: join(dir, 'queue.db') });
    dirs.set(storage, dir);
    return storage;
  },
  reopen: async (storage) => {
    const dir = dirs.get(storage) as string;
    await storage.close();
    const reopened = createSqliteStorage({ path: join(dir, 'queue.db') });
    dirs.set(reopened, dir);
    return reopened;
  },
  openPeer: (storage, leaseProcess) =>
    createSqliteStorage({ path: join(dirs.get(storage) as string, 'queue.db'), leaseProcess }),
  teardown: (storage) => rmSync(dirs.get(storage) as string, { recursive: true, force: true }),
});
