// fake-indexeddb/auto installs IndexedDB's globals (IDBKeyRange, IDBRequest…) that idb relies on.
import 'fake-indexeddb/auto';
import type { StorageAdapter } from '@media-sync/queue';
import { describeStorageConformance } from '@media-sync/storage-conformance';
import { createIndexedDbStorage } from '@media-sync/storage-indexeddb';
import { IDBFactory } from 'fake-indexeddb';

const factories = new WeakMap<StorageAdapter, IDBFactory>();

describeStorageConformance({
  name: 'indexeddb (fake-indexeddb)',
  setup: async () => {
    // A fresh factory per test is a fresh, empty browser profile.
    const indexedDB = new IDBFactory();
    const storage = await createIndexedDbStorage({ name: 'queue', indexedDB });
    factories.set(storage, indexedDB);
    return storage;
  },
  openPeer: (storage, leaseProcess) =>
    createIndexedDbStorage({ name: 'queue', indexedDB: factories.get(storage) as IDBFactory, leaseProcess }),
  reopen: async (storage) => {
    const indexedDB = factories.get(storage) as IDBFactory;
    await storage.close();
    const reopened = await createIndexedDbStorage({ name: 'queue', indexedDB });
    factories.set(reopened, indexedDB);
    return reopened;
  },
});
