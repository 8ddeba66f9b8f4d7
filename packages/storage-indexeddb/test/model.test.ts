import 'fake-indexeddb/auto';
import { describeModelComparison } from '@media-sync/storage-conformance';
import { createIndexedDbStorage } from '@media-sync/storage-indexeddb';
import { createMemoryStorage } from '@media-sync/storage-memory';
import { IDBFactory } from 'fake-indexeddb';

describeModelComparison({
  name: 'indexeddb (fake-indexeddb)',
  setup: () => createIndexedDbStorage({ name: 'model', indexedDB: new IDBFactory(), locks: null }),
  reference: () => createMemoryStorage(),
});
