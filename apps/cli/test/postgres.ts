import { dropPostgresSchema } from '@media-sync/sync-server';
import pg from 'pg';

const DEFAULT_URL = 'postgres://root@127.0.0.1:5432/test';

/**
 * The PostgreSQL server of this machine (POSTGRES_URL, else the local default), or undefined
 * when none answers; under CI a missing server fails instead.
 */
export async function findPostgres(): Promise<string | undefined> {
  const url = process.env.POSTGRES_URL ?? DEFAULT_URL;
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  try {
    await client.connect();
    return url;
  } catch (error) {
    const message = `PostgreSQL not reachable at ${url}: ${(error as Error).message}`;
    if (process.env.CI) throw new Error(`${message} (CI is set: the PostgreSQL tests must run)`);
    console.warn(`!! ${message}: the PostgreSQL serve tests are SKIPPED`);
    return undefined;
  } finally {
    await client.end().catch(() => {});
  }
}

let schemas = 0;

/** `url` with a schema of its own (`?schema=`), and a function that drops that schema. */
export function withFreshSchema(url: string, prefix: string): { url: string; drop: () => Promise<void> } {
  schemas += 1;
  const schema = `${prefix}_${process.pid}_${Date.now().toString(36)}_${schemas}`;
  const withSchema = new URL(url);
  withSchema.searchParams.set('schema', schema);
  return {
    url: withSchema.toString(),
    drop: () => dropPostgresSchema(url, schema),
  };
}
