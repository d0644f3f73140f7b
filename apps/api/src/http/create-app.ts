import { createHash, timingSafeEqual } from 'node:crypto';
import { existsSync } from 'node:fs';
import cors from 'cors';
import express from 'express';
import type { NextFunction, Request, Response } from 'express';
import helmet from 'helmet';
import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import type { Logger } from 'pino';
import { pinoHttp } from 'pino-http';
import { LruCache } from '@shoplens/transforms';
import { timeZoneOf } from '../config.js';
import { isDatabaseUnavailable, type Database } from '@shoplens/storage';
import { ApiError } from '../errors.js';
import { ClosedDays } from '../kpis/closed-days.js';
import { dayCount } from '../kpis/days.js';
import type { DayRange } from '../kpis/kpi-queries.js';
import {
  dailyActiveUsers,
  funnelDaily,
  ordersPerHour,
  realtimeMinutes,
  realtimeToday,
  revenueByCategory,
  revenueDaily,
  topProducts,
} from '../kpis/kpi-queries.js';
import { openApiDocument } from './openapi.js';
import { OPERATIONS } from './openapi-operations.js';
import { SCHEMAS } from './openapi-schemas.js';
import { toCsv } from './to-csv.js';
import type { Query } from './validate-query.js';
import { compileQueryValidator } from './validate-query.js';

export const MAX_RANGE_DAYS = 366;
/** Closed-day responses are kept this long, the max-age clients are told too. */
const CLOSED_MAX_AGE_S = 300;
const CACHE_ENTRIES = 1_000;

interface CachedResponse {
  readonly body: string;
  readonly etag: string;
  readonly csv: boolean;
  readonly expiresMs: number;
}

export interface AppOptions {
  readonly db: Kysely<Database>;
  readonly log: Logger;
  /** Default zone when a request names none. */
  readonly reportTz: string;
  readonly apiKey?: string | undefined;
  readonly corsOrigins?: readonly string[];
  /** The dashboard's built assets (index.html, dashboard.js); absent: no dashboard. */
  readonly publicDir?: string | undefined;
  /** The clock that decides which days are closed (tests pass a fixed one). */
  readonly now?: () => number;
  readonly version?: string;
}

interface Result {
  readonly data: readonly object[];
  readonly meta: object;
  /** The days the rows cover, when they can be closed (cacheable). */
  readonly range?: DayRange;
}

type Handler = (q: Query, tz: string) => Promise<Result>;

function rangeOf(q: Query, tz: string): DayRange {
  const from = q['from'] as string;
  const to = q['to'] as string;
  if (from > to) throw new ApiError('invalid_range', `from (${from}) is after to (${to})`);
  if (dayCount(from, to) > MAX_RANGE_DAYS)
    throw new ApiError(
      'invalid_range',
      `the range ${from}..${to} spans more than ${MAX_RANGE_DAYS} days`,
    );
  return { tz, from, to };
}

function columnsOf(schema: keyof typeof SCHEMAS): readonly string[] {
  return Object.keys((SCHEMAS[schema] as { properties: Record<string, unknown> }).properties);
}

const CSV_COLUMNS: Readonly<Record<string, readonly string[]>> = {
  getDailyActiveUsers: columnsOf('DailyActiveUsers'),
  getRevenueByCategory: columnsOf('RevenueByCategory'),
  getRevenueDaily: columnsOf('RevenueDaily'),
  getFunnel: columnsOf('Funnel'),
  getTopProducts: columnsOf('TopProduct'),
  getOrdersPerHour: columnsOf('OrdersPerHour'),
  getRealtime: columnsOf('RealtimeMinute'),
  getRealtimeToday: columnsOf('RealtimeToday'),
};

function keyMatches(expected: Buffer, given: string | undefined): boolean {
  if (given === undefined) return false;
  const g = Buffer.from(given);
  return g.length === expected.length && timingSafeEqual(g, expected);
}

/** The Express application: REST routes from the OpenAPI document, the dashboard, errors as JSON. */
export function createApp(options: AppOptions): express.Express {
  const { db, log } = options;
  const now = options.now ?? Date.now;
  const closed = new ClosedDays(db, now);
  // Responses over closed days only: the same bounded staleness as the HTTP caches get.
  // Keyed by what clients send, so bounded: the least recently used entry goes first.
  const cache = new LruCache<string, CachedResponse>(CACHE_ENTRIES);
  const document = JSON.stringify(openApiDocument(options.version ?? '0.1.0'));

  const handlers: Readonly<Record<string, Handler>> = {
    getDailyActiveUsers: async (q, tz) => {
      const r = rangeOf(q, tz);
      return { data: await dailyActiveUsers(db, r), meta: r, range: r };
    },
    getRevenueByCategory: async (q, tz) => {
      const r = rangeOf(q, tz);
      return { data: await revenueByCategory(db, r), meta: r, range: r };
    },
    getRevenueDaily: async (q, tz) => {
      const r = rangeOf(q, tz);
      return { data: await revenueDaily(db, r), meta: r, range: r };
    },
    getFunnel: async (q, tz) => {
      const r = rangeOf(q, tz);
      return { data: await funnelDaily(db, r), meta: r, range: r };
    },
    getTopProducts: async (q, tz) => {
      const r = rangeOf(q, tz);
      const limit = q['limit'] as number;
      return { data: await topProducts(db, r, limit), meta: { ...r, limit }, range: r };
    },
    getOrdersPerHour: async (q, tz) => {
      const date = q['date'] as string;
      return {
        data: await ordersPerHour(db, tz, date),
        meta: { tz, date },
        range: { tz, from: date, to: date },
      };
    },
    getRealtime: async (q) => {
      const minutes = q['minutes'] as number;
      const since = now() - minutes * 60_000;
      const data = await realtimeMinutes(db, since);
      const meta: Record<string, unknown> = { minutes, since: new Date(since).toISOString() };
      if (data.length === 0) {
        const any = await db.selectFrom('rt_kpi_minute').select('currency').limit(1).execute();
        meta['note'] =
          any.length === 0
            ? 'No realtime data yet: rt_kpi_minute is filled by the streamer (apps/streamer), which has not written any minute to this database.'
            : `The streamer wrote no minute in the last ${minutes} minutes: is it running and are events arriving?`;
      }
      return { data, meta };
    },
    getRealtimeToday: async () => {
      const data = await realtimeToday(db);
      const meta: Record<string, unknown> = {};
      if (data.length === 0)
        meta['note'] =
          'No realtime data yet: rt_kpi_today is filled by the streamer (apps/streamer), which has not written any day to this database.';
      return { data, meta };
    },
  };

  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('json spaces', 0);

  // Request logs are at info; below that level the middleware would cost every request for nothing.
  if (log.isLevelEnabled('info'))
    app.use(
      pinoHttp({
        logger: log.child({ component: 'http' }),
        customLogLevel: (_req, res, err) =>
          err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info',
        serializers: {
          req: (req: { method: string; url: string }) => ({ method: req.method, url: req.url }),
          res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
        },
      }),
    );
  app.use(
    helmet({
      contentSecurityPolicy: {
        directives: {
          'default-src': ["'self'"],
          'script-src': ["'self'"],
          'style-src': ["'self'"],
          'img-src': ["'self'", 'data:'],
          'connect-src': ["'self'"],
          'upgrade-insecure-requests': null,
        },
      },
    }),
  );
  const origins = options.corsOrigins ?? [];
  if (origins.length > 0) {
    app.use(
      '/api',
      cors({
        origin: origins.includes('*') ? '*' : [...origins],
        methods: ['GET', 'HEAD', 'OPTIONS'],
        allowedHeaders: ['Authorization', 'X-Api-Key', 'If-None-Match', 'Accept'],
        exposedHeaders: ['ETag'],
        maxAge: 600,
      }),
    );
  }

  app.get('/openapi.json', (_req, res) => {
    res.type('application/json').set('Cache-Control', 'no-cache').send(document);
  });

  app.get('/api/health', async (_req, res) => {
    try {
      await sql`select 1`.execute(db);
      res.json({ status: 'ok', database: 'ok' });
    } catch (err) {
      log.warn({ err }, 'health check: database unreachable');
      res.status(503).json({
        error: { code: 'database_unavailable', message: 'the database cannot be reached' },
      });
    }
  });

  if (options.apiKey !== undefined) {
    const expected = Buffer.from(options.apiKey);
    app.use('/api/kpis', (req, _res, next) => {
      const bearer = /^Bearer (.+)$/i.exec(req.get('authorization') ?? '')?.[1];
      if (keyMatches(expected, req.get('x-api-key')) || keyMatches(expected, bearer)) next();
      else
        next(
          new ApiError(
            'unauthorized',
            'a valid API key is required (x-api-key header or Authorization: Bearer)',
          ),
        );
    });
  }

  for (const [path, op] of Object.entries(OPERATIONS)) {
    const handler = handlers[op.operationId];
    if (handler === undefined) continue;
    const validate = compileQueryValidator(op);
    const columns = CSV_COLUMNS[op.operationId] ?? [];
    app.get(path, async (req: Request, res: Response) => {
      const given = validate(req.query);
      const requested = (given['tz'] as string | undefined) ?? options.reportTz;
      const tz = timeZoneOf(requested);
      if (tz === undefined)
        throw new ApiError(
          'invalid_parameter',
          `query parameter "tz" is not an IANA time zone: ${JSON.stringify(requested)}`,
        );
      // Every spelling of a zone is one query (and one cache entry) under its canonical name.
      const q: Query = { ...given, tz };
      const csv =
        q['format'] === 'csv' ||
        (q['format'] === undefined && req.accepts(['application/json', 'text/csv']) === 'text/csv');
      const key = `${op.operationId}|${tz}|${csv}|${JSON.stringify(q)}`;
      let entry = cache.get(key);
      if (entry !== undefined && entry.expiresMs <= now()) {
        cache.delete(key);
        entry = undefined;
      }
      res.vary('Accept');
      if (entry === undefined) {
        const result = await handler(q, tz);
        // Closed days are remembered, so this costs a query only until a range is known closed.
        const isClosed = result.range ? await closed.allClosed(result.range) : false;
        const body = csv
          ? toCsv(result.data, columns)
          : JSON.stringify({ data: result.data, meta: result.meta });
        if (!isClosed) {
          res.set('Cache-Control', result.range ? 'no-cache' : 'no-store');
          res.type(csv ? 'text/csv; charset=utf-8' : 'application/json').send(body);
          return;
        }
        entry = {
          body,
          csv,
          etag: `"${createHash('sha1').update(body).digest('base64url')}"`,
          expiresMs: now() + CLOSED_MAX_AGE_S * 1000,
        };
        cache.set(key, entry);
      }
      res.set('ETag', entry.etag).set('Cache-Control', `public, max-age=${CLOSED_MAX_AGE_S}`);
      const match = (req.get('if-none-match') ?? '')
        .split(',')
        .map((t) => t.trim().replace(/^W\//, ''));
      if (match.includes(entry.etag) || match.includes('*')) {
        res.status(304).end();
        return;
      }
      res.type(entry.csv ? 'text/csv; charset=utf-8' : 'application/json').send(entry.body);
    });
  }

  if (options.publicDir !== undefined && existsSync(options.publicDir)) {
    app.use(express.static(options.publicDir, { index: 'index.html', maxAge: 0 }));
  }

  app.use((req: Request, _res: Response, next: NextFunction) => {
    next(new ApiError('not_found', `no route ${req.method} ${req.path}`));
  });

  app.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    let error: ApiError;
    if (err instanceof ApiError) error = err;
    else if ((err as { code?: unknown }).code === '42P01')
      error = new ApiError(
        'database_unavailable',
        'the warehouse has no KPI tables yet: run its migrations (see docs/api.md)',
        { cause: err },
      );
    else if (isDatabaseUnavailable(err))
      error = new ApiError(
        'database_unavailable',
        'the database cannot be reached; try again later',
        { cause: err },
      );
    else if (
      typeof (err as { status?: unknown }).status === 'number' &&
      (err as { status: number }).status < 500
    )
      error = new ApiError('invalid_parameter', 'the request cannot be parsed', { cause: err });
    else error = new ApiError('internal', 'internal error', { cause: err });
    if (error.status >= 500) (req.log ?? log).error({ err }, error.message);
    if (res.headersSent) {
      res.end();
      return;
    }
    res
      .status(error.status)
      .set('Cache-Control', 'no-store')
      .type('application/json')
      .send(JSON.stringify({ error: { code: error.code, message: error.message } }));
  });
  return app;
}
