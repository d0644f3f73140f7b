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

describe('live traffic settings', () => {
  it('runs live at a few records a second by default', () => {
    expect(loadDemoConfig({}).liveRate).toBe(3);
  });

  it('takes the rate from the command line over the environment', () => {
    expect(loadDemoConfig({ DEMO_LIVE_RATE: '20' }).liveRate).toBe(20);
    expect(loadDemoConfig({ DEMO_LIVE_RATE: '20' }, ['--live-rate=0.5']).liveRate).toBe(0.5);
    expect(loadDemoConfig({}, ['--live-rate', '8']).liveRate).toBe(8);
  });

  it('turns live traffic off by flag or environment', () => {
    expect(loadDemoConfig({}, ['--no-live']).liveRate).toBeUndefined();
    expect(loadDemoConfig({ DEMO_LIVE: '0' }).liveRate).toBeUndefined();
    expect(loadDemoConfig({ DEMO_LIVE: '0' }, ['--live-rate=2']).liveRate).toBe(2);
  });

  it('names a bad rate or an unknown argument', () => {
    expect(() => loadDemoConfig({ DEMO_LIVE_RATE: 'fast' })).toThrow(/DEMO_LIVE_RATE/);
    expect(() => loadDemoConfig({}, ['--live-rate=0'])).toThrow(/--live-rate/);
    expect(() => loadDemoConfig({}, ['--live-rate'])).toThrow(/--live-rate needs/);
    expect(() => loadDemoConfig({}, ['--fast'])).toThrow(/unknown argument --fast/);
    expect(() => loadDemoConfig({ DEMO_LIVE: 'maybe' })).toThrow(/DEMO_LIVE/);
  });
});
