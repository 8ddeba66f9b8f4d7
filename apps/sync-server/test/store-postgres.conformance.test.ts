import { describe, inject } from 'vitest';
import { postgresFixture } from './store-conformance/postgres.js';
import { describeGatewayStoreConformance } from './store-conformance/suite.js';

const url = inject('postgresUrl');

// Each test gets its own schema (dropped after it); the two-writer cases use two stores, each
// with its own connection pool, as two gateway processes would.
describe.skipIf(url === undefined)('PostgreSQL store', () => {
  describeGatewayStoreConformance({
    name: 'postgres',
    setup: () => postgresFixture(url as string),
    timeoutMs: 60_000,
  });
});
