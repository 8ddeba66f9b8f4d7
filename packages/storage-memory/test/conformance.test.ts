import { describeStorageConformance } from '@media-sync/storage-conformance';
import { createMemoryStorage } from '../src/index.js';

describeStorageConformance({ name: 'memory', setup: () => createMemoryStorage() });
