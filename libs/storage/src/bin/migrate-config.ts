/** The only reader of process.env in @shoplens/storage: the shoplens-migrate command's settings. */
export interface MigrateConfig {
  readonly databaseUrl: string;
  /** SHOPLENS_READER_ROLE and SHOPLENS_READER_PASSWORD: the BI role (docs/metabase.md). */
  readonly reader: { readonly role?: string; readonly password?: string };
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
  const role = env['SHOPLENS_READER_ROLE'] || undefined;
  const password = env['SHOPLENS_READER_PASSWORD'] || undefined;
  if (password !== undefined && password.length < 8)
    throw new Error('SHOPLENS_READER_PASSWORD must have at least 8 characters');
  return Object.freeze({
    databaseUrl,
    reader: Object.freeze({
      ...(role === undefined ? {} : { role }),
      ...(password === undefined ? {} : { password }),
    }),
  });
}
