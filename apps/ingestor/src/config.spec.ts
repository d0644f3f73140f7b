import { loadConfig } from './config.js';

describe('loadConfig', () => {
  const base = { KAFKA_BROKERS: '127.0.0.1:19092' };

  it('has defaults for everything but the brokers, and is frozen', () => {
    const config = loadConfig(base);
    expect(config).toMatchObject({
      kafkaBrokers: ['127.0.0.1:19092'],
      groupId: 'shoplens-ingestor',
      topics: ['pageviews', 'cart', 'orders'],
      lakeUrl: './data/lake',
      fromBeginning: true,
      exitWhenIdleMs: undefined,
    });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('names the variable that is wrong', () => {
    expect(() => loadConfig({})).toThrow(/^KAFKA_BROKERS is not set/);
    expect(() => loadConfig({ KAFKA_BROKERS: 'nohost' })).toThrow(/KAFKA_BROKERS: "nohost"/);
    expect(() => loadConfig({ ...base, INGESTOR_FLUSH_MAX_BYTES: '12k' })).toThrow(
      /^INGESTOR_FLUSH_MAX_BYTES must be an integer/,
    );
    expect(() => loadConfig({ ...base, LOG_LEVEL: 'loud' })).toThrow(/^LOG_LEVEL/);
    expect(() => loadConfig({ ...base, S3_ENDPOINT: 'ftp://x' })).toThrow(/^S3_ENDPOINT/);
    expect(() => loadConfig({ ...base, INGESTOR_FROM_BEGINNING: 'yes' })).toThrow(
      /^INGESTOR_FROM_BEGINNING/,
    );
  });

  it('reads lists and numbers', () => {
    const config = loadConfig({
      ...base,
      KAFKA_BROKERS: 'a:1, b:2',
      INGESTOR_TOPICS: 'x,y',
      INGESTOR_EXIT_WHEN_IDLE_MS: '2000',
      INGESTOR_GZIP_LEVEL: '1',
    });
    expect(config).toMatchObject({
      kafkaBrokers: ['a:1', 'b:2'],
      topics: ['x', 'y'],
      exitWhenIdleMs: 2000,
      gzipLevel: 1,
    });
  });
});
