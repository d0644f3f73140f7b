import { ConfigError, loadConfig } from './config.js';

const BASE = {
  KAFKA_BROKERS: '127.0.0.1:19092',
  DATABASE_URL: 'postgres://u:p@127.0.0.1:15432/db',
};

describe('loadConfig', () => {
  it('applies the defaults and freezes the result', () => {
    const config = loadConfig(BASE);
    expect(config).toMatchObject({
      kafkaBrokers: ['127.0.0.1:19092'],
      groupId: 'shoplens-streamer',
      topics: ['pageviews', 'cart', 'orders'],
      reportTz: 'UTC',
      latenessMs: 120_000,
      graceMs: 60_000,
      flushIntervalMs: 200,
      fromBeginning: true,
      migrate: true,
    });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it.each([
    [{ KAFKA_BROKERS: '' }, /KAFKA_BROKERS is not set/],
    [{ KAFKA_BROKERS: 'nohost' }, /KAFKA_BROKERS: "nohost"/],
    [{ DATABASE_URL: '' }, /DATABASE_URL is not set/],
    [{ DATABASE_URL: 'mysql://x' }, /DATABASE_URL must be/],
    [{ REPORT_TZ: 'Mars/Olympus' }, /REPORT_TZ: "Mars\/Olympus"/],
    [{ LOG_LEVEL: 'loud' }, /LOG_LEVEL must be one of/],
    [{ STREAMER_LATENESS_MS: '-1' }, /STREAMER_LATENESS_MS must be an integer/],
    [{ STREAMER_GRACE_MS: '1000' }, /STREAMER_GRACE_MS must be an integer from 60000/],
    [{ STREAMER_FROM_BEGINNING: 'yes' }, /STREAMER_FROM_BEGINNING must be true or false/],
  ])('names the variable that is wrong: %o', (override, message) => {
    expect(() => loadConfig({ ...BASE, ...override })).toThrow(ConfigError);
    expect(() => loadConfig({ ...BASE, ...override })).toThrow(message);
  });

  it('resolves the reporting zone', () => {
    expect(loadConfig({ ...BASE, REPORT_TZ: 'Europe/Berlin' }).reportTz).toBe('Europe/Berlin');
  });
});
