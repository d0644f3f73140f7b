/** The only reader of process.env in @shoplens/storage: the shoplens-migrate command's settings. */
export interface MigrateConfig {
  readonly databaseUrl: string;
}

export function loadMigrateConfig(env: NodeJS.ProcessEnv): MigrateConfig {
  const databaseUrl = env['DATABASE_URL'];
  if (!databaseUrl)
    throw new Error(
      'DATABASE_URL is not set: it names the PostgreSQL database to migrate (postgres://user:pass@host:port/db)',
    );
  try {
    const url = new URL(databaseUrl);
    if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:')
      throw new Error(url.protocol);
  } catch {
    throw new Error('DATABASE_URL must be a postgres:// or postgresql:// URL');
  }
  return Object.freeze({ databaseUrl });
}
