import { ConfigError } from './config-error.js';

type Env = Readonly<Record<string, string | undefined>>;

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
    throw new ConfigError(`${name} must be an integer from ${min} to ${max}, got "${text}"`);
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
