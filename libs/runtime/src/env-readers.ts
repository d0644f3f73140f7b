import { canonicalTimeZone } from '@shoplens/transforms';
import { ConfigError } from './config-error.js';

type Env = Readonly<Record<string, string | undefined>>;

/** pino's levels, as LOG_LEVEL may name them. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

function isLogLevel(text: string): text is LogLevel {
  return (LOG_LEVELS as readonly string[]).includes(text);
}

/** An integer variable in [min, max]; unset or empty gives `fallback`. */
export function envInteger(
  env: Env,
  name: string,
  fallback: number,
  min: number,
  max = Number.MAX_SAFE_INTEGER,
): number {
  const text = env[name];
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(
      `${name} must be an integer from ${min} to ${max}, got ${JSON.stringify(text)}`,
    );
  }
  return value;
}

/** `true` or `false`; unset or empty gives `fallback`. */
export function envBoolean(env: Env, name: string, fallback: boolean): boolean {
  const text = env[name];
  if (text === undefined || text === '') return fallback;
  if (text !== 'true' && text !== 'false')
    throw new ConfigError(`${name} must be true or false, got "${text}"`);
  return text === 'true';
}

/** The comma-separated items of a value, trimmed, empty ones dropped. */
export function commaList(text: string): string[] {
  return text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

/** One of {@link LOG_LEVELS}; unset or empty gives `fallback`. */
export function envLogLevel(env: Env, name = 'LOG_LEVEL', fallback: LogLevel = 'info'): LogLevel {
  const text = env[name];
  if (text === undefined || text === '') return fallback;
  if (!isLogLevel(text))
    throw new ConfigError(
      `${name} must be one of ${LOG_LEVELS.join(', ')}, got ${JSON.stringify(text)}`,
    );
  return text;
}

/**
 * An IANA time zone in any spelling, as its canonical name (`europe/berlin` →
 * `Europe/Berlin`, see canonicalTimeZone): data keyed by zone gets one key per zone.
 * Unset or empty gives `fallback`.
 */
export function envTimeZone(env: Env, name: string, fallback = 'UTC'): string {
  const text = env[name] || fallback;
  const zone = canonicalTimeZone(text);
  if (zone === undefined)
    throw new ConfigError(`${name} is not an IANA time zone: ${JSON.stringify(text)}`);
  return zone;
}

/**
 * Kafka bootstrap servers, `host:port[,host:port…]`, at least one. `whenUnset` ends the
 * message when the variable is unset: what the app needs them for, or how to set them.
 */
export function envBrokers(
  env: Env,
  name = 'KAFKA_BROKERS',
  whenUnset = 'give the Kafka bootstrap servers as host:port[,host:port…]',
): readonly string[] {
  const brokers = commaList(env[name] ?? '');
  if (brokers.length === 0) throw new ConfigError(`${name} is not set: ${whenUnset}`);
  for (const broker of brokers) {
    if (!/^[^\s:]+:\d{1,5}$/.test(broker))
      throw new ConfigError(`${name}: ${JSON.stringify(broker)} is not host:port`);
  }
  return Object.freeze(brokers);
}
