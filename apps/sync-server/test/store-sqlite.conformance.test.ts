import { sqliteFixture } from './store-conformance/sqlite.js';
import { describeGatewayStoreConformance } from './store-conformance/suite.js';

// One process holds an SQLite file exclusively: the two-writer cases call one store concurrently.
describeGatewayStoreConformance({ name: 'sqlite (file)', setup: sqliteFixture });
