import { describeModelComparison } from '@media-sync/storage-conformance';
import { createMemoryStorage } from '@media-sync/storage-memory';
import { createSqliteStorage } from '@media-sync/storage-sqlite';

describeModelComparison({
  name: 'sqlite',
  setup: () => createSqliteStorage({ path: ':memory:' }),
  reference: () => createMemoryStorage(),
  numRuns: 200,
});
