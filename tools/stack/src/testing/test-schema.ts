import pg from 'pg';
import { integrationEnv } from './integration-env.js';
import { uniqueId } from './unique-id.js';

export interface TestSchema {
  readonly schema: string;
  /** DATABASE_URL with this schema first on the search_path. */
  readonly url: string;
  drop(): Promise<void>;
}

async function withClient<T>(body: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: integrationEnv().databaseUrl });
  await client.connect();
  try {
    return await body(client);
  } finally {
    await client.end();
  }
}

/** Creates a PostgreSQL schema used by one test only. */
export async function createTestSchema(prefix = 'test'): Promise<TestSchema> {
  const schema = uniqueId(prefix, '_');
  await withClient((client) => client.query(`CREATE SCHEMA "${schema}"`));
  const url = new URL(integrationEnv().databaseUrl);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return {
    schema,
    url: url.toString(),
    drop: () => withClient((client) => client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)).then(() => undefined),
  };
}
