export {
  createIndexedDbStorage,
  INDEXEDDB_SCHEMA_VERSION,
  type IndexedDbStorageOptions,
} from './indexeddb-storage.js';
