import pg from 'pg';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The PostgreSQL server the store tests use, or undefined when none answers (outside CI). */
    postgresUrl: string | undefined;
  }
}

const DEFAULT_URL = 'postgres://root@127.0.0.1:5432/test';

// Finds PostgreSQL once per run: POSTGRES_URL, else the local default. Missing: a loud skip of
// the PostgreSQL store tests, or a failure when CI is set.
export default async function setup(project: TestProject): Promise<void> {
  const url = process.env['POSTGRES_URL'] ?? DEFAULT_URL;
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    project.provide('postgresUrl', url);
  } catch (error) {
    const message = `PostgreSQL not reachable at ${url}: ${(error as Error).message}`;
    if (process.env['CI']) throw new Error(`${message} (CI is set: the PostgreSQL store tests must run)`);
    console.warn(`!! ${message}: the PostgreSQL store tests are SKIPPED`);
    project.provide('postgresUrl', undefined);
  } finally {
    await client.end().catch(() => {});
  }
}
