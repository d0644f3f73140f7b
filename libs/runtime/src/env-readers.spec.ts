import {
  commaList,
  envBoolean,
  envBrokers,
  envInteger,
  envLogLevel,
  envTimeZone,
} from './env-readers.js';
import { ConfigError } from './config-error.js';

describe('environment readers', () => {
  it('read integers within bounds, with a fallback', () => {
    expect(envInteger({ N: '42' }, 'N', 1, 0, 100)).toBe(42);
    expect(envInteger({}, 'N', 7, 0)).toBe(7);
    expect(() => envInteger({ N: '4.5' }, 'N', 1, 0)).toThrow('N must be an integer from 0 to');
    expect(() => envInteger({ N: '101' }, 'N', 1, 0, 100)).toThrow(/got "101"/);
  });

  it('read booleans strictly', () => {
    expect(envBoolean({ B: 'false' }, 'B', true)).toBe(false);
    expect(envBoolean({ B: '' }, 'B', true)).toBe(true);
    expect(() => envBoolean({ B: 'yes' }, 'B', true)).toThrow('B must be true or false, got "yes"');
  });

  it('split comma lists', () => {
    expect(commaList(' a:1, b:2 ,,')).toEqual(['a:1', 'b:2']);
  });
});

describe('envLogLevel', () => {
  it('reads a pino level, info by default', () => {
    expect(envLogLevel({ LOG_LEVEL: 'debug' })).toBe('debug');
    expect(envLogLevel({})).toBe('info');
    expect(envLogLevel({ LOG_LEVEL: '' })).toBe('info');
  });

  it('names the variable and the levels', () => {
    expect(() => envLogLevel({ LOG_LEVEL: 'loud' })).toThrow(ConfigError);
    expect(() => envLogLevel({ LOG_LEVEL: 'loud' })).toThrow(
      'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, got "loud"',
    );
  });
});

describe('envTimeZone', () => {
  it('gives the canonical name of any spelling, UTC by default', () => {
    expect(envTimeZone({ TZ: 'europe/berlin' }, 'TZ')).toBe('Europe/Berlin');
    expect(envTimeZone({ TZ: 'Etc/UTC' }, 'TZ')).toBe('UTC');
    expect(envTimeZone({}, 'TZ')).toBe('UTC');
  });

  it('names the variable and the value', () => {
    expect(() => envTimeZone({ TZ: 'Mars/Base' }, 'TZ')).toThrow(
      'TZ is not an IANA time zone: "Mars/Base"',
    );
  });
});

describe('envBrokers', () => {
  it('reads host:port pairs, frozen', () => {
    const brokers = envBrokers({ KAFKA_BROKERS: ' a:9092, b:19092 ' });
    expect(brokers).toEqual(['a:9092', 'b:19092']);
    expect(Object.isFrozen(brokers)).toBe(true);
  });

  it('says what is missing or malformed', () => {
    expect(() => envBrokers({}, 'KAFKA_BROKERS', '--kafka needs them')).toThrow(
      'KAFKA_BROKERS is not set: --kafka needs them',
    );
    expect(() => envBrokers({ KAFKA_BROKERS: 'nohost' })).toThrow(
      'KAFKA_BROKERS: "nohost" is not host:port',
    );
  });
});
