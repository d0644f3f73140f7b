import { loadDemoConfig } from './demo-config.js';

describe('loadDemoConfig', () => {
  it('runs embedded with nothing set', () => {
    expect(loadDemoConfig({})).toMatchObject({
      mode: 'embedded',
      events: 150_000,
      days: 7,
      tz: 'UTC',
      port: 3000,
      lakeUrl: undefined,
      databaseUrl: undefined,
    });
  });

  it('runs the real path with the three services named', () => {
    expect(
      loadDemoConfig({
        KAFKA_BROKERS: 'k:9092',
        LAKE_URL: 's3://b/p',
        DATABASE_URL: 'postgres://x',
      }).mode,
    ).toBe('services');
  });

  it('names what is missing for the real path', () => {
    expect(() => loadDemoConfig({ KAFKA_BROKERS: 'k:9092', LAKE_URL: 's3://b/p' })).toThrow(
      /DATABASE_URL/,
    );
    expect(() => loadDemoConfig({ KAFKA_BROKERS: 'k:9092' })).toThrow(/LAKE_URL and DATABASE_URL/);
  });

  it('rejects bad numbers and zones by name', () => {
    expect(() => loadDemoConfig({ DEMO_EVENTS: 'many' })).toThrow(/DEMO_EVENTS/);
    expect(() => loadDemoConfig({ REPORT_TZ: 'Mars/Olympus' })).toThrow(/REPORT_TZ/);
    expect(() => loadDemoConfig({ PORT: '70000' })).toThrow(/PORT/);
  });
});
