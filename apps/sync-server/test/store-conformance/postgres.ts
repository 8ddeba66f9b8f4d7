import pg from 'pg';
import type { GatewayStore } from '../../src/store/contract.js';
import { dropPostgresSchema, POSTGRES_SCHEMA_VERSION, PostgresGatewayStore } from '../../src/store/postgres.js';
import type { GatewayStoreFixture } from './suite.js';

let schemas = 0;

/** A schema of its own for one test run, unique across processes and runs. */
export function uniqueSchema(prefix = 'msgw_test'): string {
  schemas += 1;
  return `${prefix}_${process.pid}_${Date.now().toString(36)}_${schemas}`;
}

/** Drops a test schema and everything in it. */
export const dropSchema = dropPostgresSchema;

/** A GatewayStore fixture on a fresh schema of the PostgreSQL server at `url`, dropped in teardown. */
export async function postgresFixture(url: string): Promise<GatewayStoreFixture> {
  const schema = uniqueSchema();
  const opened: GatewayStore[] = [];
  const open = async () => {
    const store = await PostgresGatewayStore.open({ url, schema, maxConnections: 4 });
    opened.push(store);
    return store;
  };
  const store = await open();
  return {
    store,
    async reopen() {
      await store.close();
      return open();
    },
    openPeer: open,
    async forgeNewerSchema() {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        await client.query(`INSERT INTO "${schema}".schema_migrations (version) VALUES ($1)`, [
          POSTGRES_SCHEMA_VERSION + 1,
        ]);
      } finally {
        await client.end();
      }
    },
    async teardown() {
      await Promise.all(opened.map((each) => each.close()));
      await dropSchema(url, schema);
    },
  };
}
