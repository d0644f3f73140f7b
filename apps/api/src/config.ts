import {
  commaList,
  envInteger,
  envLogLevel,
  envTimeZone,
  LOG_LEVELS,
  type LogLevel,
} from '@shoplens/runtime';
import { canonicalTimeZone } from '@shoplens/transforms';
import { ApiError } from './errors.js';

export { LOG_LEVELS, type LogLevel };

/** The API server's settings, read from the environment once, validated and frozen. */
export interface ApiConfig {
  readonly port: number;
  readonly host: string;
  readonly databaseUrl: string;
  readonly reportTz: string;
  readonly logLevel: LogLevel;
  /** When set, every /api/kpis request needs it (`x-api-key` or `Authorization: Bearer`). */
  readonly apiKey: string | undefined;
  /** Origins allowed by CORS; `['*']` for any; empty for same-origin only. */
  readonly corsOrigins: readonly string[];
  readonly dbPoolSize: number;
  readonly shutdownTimeoutMs: number;
}

export const API_ENV_HELP = `Environment:
  DATABASE_URL          postgres://user:pass@host:port/db (required)
  PORT                  default 3000
  HOST                  address to bind, default 127.0.0.1 (0.0.0.0 in a container)
  REPORT_TZ             default reporting time zone (IANA), default UTC
  API_KEY               optional read-only key required on /api/kpis/* (x-api-key header
                        or Authorization: Bearer); /api/health and /openapi.json stay open
  CORS_ORIGINS          comma-separated origins allowed to call the API, or *; default none
  API_DB_POOL           PostgreSQL connections, default 10
  SHUTDOWN_TIMEOUT_MS   grace period for open requests on SIGTERM, default 10000
  LOG_LEVEL             ${LOG_LEVELS.join(', ')} (default info)`;

/**
 * The canonical IANA name of a zone in any accepted spelling (`europe/berlin` →
 * `Europe/Berlin`, `Etc/UTC` → `UTC`), or undefined when it is none. KPI rows are keyed
 * by the canonical name, so every spelling reads the same rows and shares one cache entry.
 */
export function timeZoneOf(tz: string): string | undefined {
  return canonicalTimeZone(tz);
}

/** LOG_LEVEL, default info (the demo reads it the same way). */
export function logLevelFrom(env: NodeJS.ProcessEnv): LogLevel {
  return envLogLevel(env);
}

/** REPORT_TZ as its canonical name, default UTC (the demo reads it the same way). */
export function reportTzFrom(env: NodeJS.ProcessEnv): string {
  return envTimeZone(env, 'REPORT_TZ');
}

/** The server part of the configuration; `databaseUrl` may come from elsewhere (the demo). */
export function loadApiConfig(
  env: NodeJS.ProcessEnv,
  overrides: Partial<ApiConfig> = {},
): ApiConfig {
  const databaseUrl = overrides.databaseUrl ?? env['DATABASE_URL'];
  if (!databaseUrl)
    throw new ApiError('bad_config', 'DATABASE_URL is not set (postgres://user:pass@host:port/db)');
  const cors = commaList(env['CORS_ORIGINS'] ?? '');
  for (const origin of cors) {
    if (origin !== '*' && !/^https?:\/\/[^/\s]+$/.test(origin))
      throw new ApiError(
        'bad_config',
        `CORS_ORIGINS holds ${JSON.stringify(origin)}; give origins like https://metabase.example.com, or *`,
      );
  }
  const apiKey = env['API_KEY'] || undefined;
  if (apiKey !== undefined && apiKey.length < 16)
    throw new ApiError('bad_config', 'API_KEY must be at least 16 characters');
  return Object.freeze({
    port: envInteger(env, 'PORT', 3000, 0, 65535),
    host: env['HOST'] || '127.0.0.1',
    databaseUrl,
    reportTz: reportTzFrom(env),
    logLevel: logLevelFrom(env),
    apiKey,
    corsOrigins: Object.freeze(cors),
    dbPoolSize: envInteger(env, 'API_DB_POOL', 10, 1, 200),
    shutdownTimeoutMs: envInteger(env, 'SHUTDOWN_TIMEOUT_MS', 10_000, 0, 600_000),
    ...overrides,
  });
}
