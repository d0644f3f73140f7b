import { loadMigrateConfig } from './migrate-config.js';

describe('loadMigrateConfig', () => {
  it('names the variable when it is missing or wrong', () => {
    expect(() => loadMigrateConfig({})).toThrow(/DATABASE_URL is not set/);
    expect(() => loadMigrateConfig({ DATABASE_URL: 'mysql://x' })).toThrow(
      /DATABASE_URL must be a postgres/,
    );
  });

  it('returns a frozen config', () => {
    const config = loadMigrateConfig({ DATABASE_URL: 'postgres://u:p@127.0.0.1:5432/db' });
    expect(config.databaseUrl).toBe('postgres://u:p@127.0.0.1:5432/db');
    expect(Object.isFrozen(config)).toBe(true);
  });
});
