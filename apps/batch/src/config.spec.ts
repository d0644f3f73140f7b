import { HELP, loadConfig } from './config.js';
import { BatchError, EXIT_CODES } from './errors.js';

const env = { DATABASE_URL: 'postgres://u:p@localhost:5432/db' };

describe('loadConfig', () => {
  it('reads one day with defaults', () => {
    expect(loadConfig(['--date', '2026-03-08'], env)).toMatchObject({
      days: ['2026-03-08'],
      tz: 'UTC',
      latenessHours: 2,
      lookbackHours: 24,
      allowEmpty: false,
      lakeUrl: '.shoplens/lake',
      databaseUrl: env.DATABASE_URL,
      logLevel: 'info',
    });
  });

  it('expands an inclusive range and takes the zone from REPORT_TZ', () => {
    const config = loadConfig(['--from', '2026-02-27', '--to', '2026-03-02'], {
      ...env,
      REPORT_TZ: 'Europe/Berlin',
    });
    expect(config.days).toEqual(['2026-02-27', '2026-02-28', '2026-03-01', '2026-03-02']);
    expect(config.tz).toBe('Europe/Berlin');
  });

  it('reads the worker count and whether to write curated events', () => {
    expect(
      loadConfig(['--date', '2026-03-08', '--workers', '3', '--skip-curated'], env),
    ).toMatchObject({
      workers: 3,
      writeCurated: false,
    });
    expect(loadConfig(['--date', '2026-03-08'], env).writeCurated).toBe(true);
  });

  it('is frozen', () => {
    expect(Object.isFrozen(loadConfig(['--date', '2026-03-08'], env))).toBe(true);
  });

  it('needs no database with --no-warehouse', () => {
    expect(loadConfig(['--date', '2026-03-08', '--no-warehouse'], {}).databaseUrl).toBeUndefined();
  });

  it.each([
    [[], /give --date/],
    [['--date', '2026-02-30'], /--date must be a date/],
    [['--date', '08/03/2026'], /--date must be a date/],
    [['--date', '2026-03-08', '--from', '2026-03-01'], /not both/],
    [['--from', '2026-03-09', '--to', '2026-03-08'], /is after/],
    [['--from', '2025-01-01', '--to', '2026-03-08'], /at most 366 days/],
    [['--date', '2026-03-08', '--tz', 'Mars/Base'], /--tz is not an IANA time zone/],
    [['--date', '2026-03-08', '--lateness-hours', '-1'], /--lateness-hours/],
    [['--date', '2026-03-08', '--lookback-hours', '169'], /--lookback-hours must be .* 0 to 168/],
    [['--date', '2026-03-08', '--lookback-hours', '1.5'], /--lookback-hours/],
    [['--date', '2026-03-08', '--frobnicate'], /Unknown option '--frobnicate'/],
    [['--date', '2026-03-08', '--workers', '0'], /--workers must be an integer from 1 to 64/],
    [['--date', '2026-03-08', '--workers', 'many'], /--workers must be an integer/],
  ])('rejects %p', (argv, message) => {
    expect(() => loadConfig(argv, env)).toThrow(
      expect.objectContaining({ code: 'bad_arguments', message: expect.stringMatching(message) }),
    );
  });

  it.each([
    ['europe/berlin', 'Europe/Berlin'],
    ['EUROPE/BERLIN', 'Europe/Berlin'],
    ['Etc/UTC', 'UTC'],
    ['utc', 'UTC'],
    ['Asia/Calcutta', 'Asia/Kolkata'],
  ])('stores the zone %s under its canonical name %s', (given, canonical) => {
    expect(loadConfig(['--date', '2026-03-08', '--tz', given], env).tz).toBe(canonical);
    expect(loadConfig(['--date', '2026-03-08'], { ...env, REPORT_TZ: given }).tz).toBe(canonical);
  });

  it('says which exit status means what', () => {
    expect(EXIT_CODES).toEqual({
      bad_arguments: 2,
      bad_config: 2,
      no_input: 3,
      lake_failed: 4,
      warehouse_failed: 4,
      rejected: 5,
    });
    expect(HELP).toMatch(
      /4 {2}the lake or the warehouse is unreachable or failing: a retry may pass/,
    );
    expect(HELP).toMatch(/5 {2}rejected: .*do not retry/s);
    expect(new BatchError('rejected', 'x').retriable).toBe(false);
    expect(new BatchError('warehouse_failed', 'x').retriable).toBe(true);
  });

  it('names the missing or bad variable', () => {
    expect(() => loadConfig(['--date', '2026-03-08'], {})).toThrow(/DATABASE_URL is not set/);
    expect(() => loadConfig(['--date', '2026-03-08'], { ...env, LOG_LEVEL: 'loud' })).toThrow(
      /LOG_LEVEL must be one of/,
    );
    expect(() => loadConfig(['--date', '2026-03-08'], { ...env, REPORT_TZ: 'Nowhere' })).toThrow(
      /REPORT_TZ is not/,
    );
  });
});
