/**
 * The OpenAPI 3.1 document of the API: the one definition of every route, its query
 * parameters (request validation is compiled from these schemas) and its responses.
 */

export interface ParameterObject {
  readonly name: string;
  readonly in: 'query' | 'header';
  readonly required?: boolean;
  readonly description: string;
  readonly schema: Readonly<Record<string, unknown>>;
}

export interface OperationObject {
  readonly operationId: string;
  readonly summary: string;
  readonly description: string;
  readonly tags: readonly string[];
  readonly parameters: readonly ParameterObject[];
  readonly responses: Readonly<Record<string, unknown>>;
  readonly security?: readonly Record<string, readonly string[]>[];
}

const DATE = {
  type: 'string',
  format: 'date',
  pattern: '^\\d{4}-\\d{2}-\\d{2}$',
  examples: ['2026-03-02'],
} as const;

const tz: ParameterObject = {
  name: 'tz',
  in: 'query',
  description:
    "IANA reporting time zone whose rows to read (KPI rows are keyed by day and zone); default the server's REPORT_TZ, else UTC.",
  schema: {
    type: 'string',
    pattern: '^[A-Za-z][A-Za-z0-9_+\\-/]{0,63}$',
    examples: ['UTC', 'Europe/Berlin'],
  },
};
const from: ParameterObject = {
  name: 'from',
  in: 'query',
  required: true,
  description: 'First local day, YYYY-MM-DD.',
  schema: DATE,
};
const to: ParameterObject = {
  name: 'to',
  in: 'query',
  required: true,
  description: 'Last local day, YYYY-MM-DD, included; from <= to and at most 366 days in all.',
  schema: DATE,
};
const format: ParameterObject = {
  name: 'format',
  in: 'query',
  description: 'csv for text/csv (as does `Accept: text/csv`); default json.',
  schema: { type: 'string', enum: ['json', 'csv'] },
};

const int = { type: 'integer' } as const;
const str = { type: 'string' } as const;
const day = { type: 'string', format: 'date' } as const;

function rowSchema(properties: Record<string, unknown>, description: string) {
  return {
    type: 'object',
    description,
    required: Object.keys(properties),
    properties,
    additionalProperties: false,
  };
}

export const SCHEMAS = {
  Error: {
    type: 'object',
    required: ['error'],
    additionalProperties: false,
    properties: {
      error: {
        type: 'object',
        required: ['code', 'message'],
        additionalProperties: false,
        properties: {
          code: {
            type: 'string',
            enum: [
              'invalid_parameter',
              'invalid_range',
              'unauthorized',
              'not_found',
              'not_acceptable',
              'database_unavailable',
              'internal',
            ],
          },
          message: str,
        },
      },
    },
  },
  RangeMeta: {
    type: 'object',
    required: ['tz', 'from', 'to'],
    properties: { tz: str, from: day, to: day, limit: int },
  },
  DailyActiveUsers: rowSchema(
    { day, tz: str, users: int },
    'Distinct users with any valid event that local day.',
  ),
  RevenueByCategory: rowSchema(
    { day, tz: str, category: str, currency: str, gross_cents: int, orders: int, units: int },
    'Gross purchase revenue of one category in one currency, in minor units.',
  ),
  RevenueDaily: rowSchema(
    {
      day,
      tz: str,
      currency: str,
      orders: int,
      gross_cents: int,
      refund_cents: int,
      net_cents: int,
      aov_cents: { type: ['integer', 'null'] },
    },
    'Orders, gross, refunds, net and average order value per currency.',
  ),
  Funnel: rowSchema(
    {
      day,
      tz: str,
      sessions: int,
      product_view: int,
      add_to_cart: int,
      checkout_started: int,
      purchase: int,
    },
    'Sessions reaching each funnel step.',
  ),
  TopProduct: rowSchema(
    {
      rank: int,
      product_id: str,
      category: str,
      units: int,
      revenue_cents: {
        type: 'object',
        description: 'Revenue per currency code; amounts in different currencies are never added.',
        additionalProperties: int,
      },
    },
    'A product ranked by units over the range (ties by product_id).',
  ),
  OrdersPerHour: rowSchema(
    { day, tz: str, hour_start: { type: 'string', format: 'date-time' }, hour: int, orders: int },
    'Distinct orders in one local hour; every hour of the day is listed, zeros included.',
  ),
  RealtimeMinute: rowSchema(
    {
      minute_start: { type: 'string', format: 'date-time' },
      currency: str,
      events: int,
      active_users: int,
      orders: int,
      revenue_cents: int,
      add_to_carts: int,
      updated_at: { type: 'string', format: 'date-time' },
    },
    'One minute of near-real-time figures from the streamer, per currency.',
  ),
  Health: {
    type: 'object',
    required: ['status', 'database'],
    properties: {
      status: { type: 'string', enum: ['ok'] },
      database: { type: 'string', enum: ['ok'] },
    },
  },
} as const;

const ref = (name: keyof typeof SCHEMAS) => ({ $ref: `#/components/schemas/${name}` });
const error = (description: string) => ({
  description,
  content: { 'application/json': { schema: ref('Error') } },
});
const ERRORS = {
  '400': error(
    'A bad parameter (malformed date, from after to, range over 366 days, limit out of range, unknown zone).',
  ),
  '401': error('API_KEY is set and the request carries no valid key.'),
  '503': error('The database cannot be reached.'),
};

function listResponse(row: keyof typeof SCHEMAS, meta: Record<string, unknown>, cached: boolean) {
  return {
    '200': {
      description: cached
        ? 'The rows. When every day asked is closed (before today and loaded by a succeeded batch run) the response has an ETag and Cache-Control: public; otherwise Cache-Control: no-cache.'
        : 'The rows.',
      ...(cached
        ? {
            headers: {
              ETag: { description: 'On closed days only.', schema: str },
              'Cache-Control': {
                description: 'public, max-age=300 on closed days, else no-cache.',
                schema: str,
              },
            },
          }
        : {}),
      content: {
        'application/json': {
          schema: {
            type: 'object',
            required: ['data', 'meta'],
            properties: { data: { type: 'array', items: ref(row) }, meta },
          },
        },
        'text/csv': {
          schema: { type: 'string', description: 'The rows as CSV with a header line.' },
        },
      },
    },
    ...(cached ? { '304': { description: 'Not modified (If-None-Match matched the ETag).' } } : {}),
    ...ERRORS,
  };
}

const rangeOp = (
  operationId: string,
  summary: string,
  description: string,
  row: keyof typeof SCHEMAS,
  extra: readonly ParameterObject[] = [],
): OperationObject => ({
  operationId,
  summary,
  description,
  tags: ['kpis'],
  parameters: [from, to, ...extra, tz, format],
  responses: listResponse(row, ref('RangeMeta'), true),
});

export const OPERATIONS: Readonly<Record<string, OperationObject>> = Object.freeze({
  '/api/kpis/daily-active-users': rangeOp(
    'getDailyActiveUsers',
    'Daily active users',
    'One row per local day that the batch has loaded, in day order.',
    'DailyActiveUsers',
  ),
  '/api/kpis/revenue-by-category': rangeOp(
    'getRevenueByCategory',
    'Revenue by product category',
    'Gross revenue per day, category and currency, ordered by day, category, currency.',
    'RevenueByCategory',
  ),
  '/api/kpis/revenue-daily': rangeOp(
    'getRevenueDaily',
    'Revenue per day',
    "Orders, gross, refunds (by the refund's own time), net and average order value per day and currency.",
    'RevenueDaily',
  ),
  '/api/kpis/funnel': rangeOp(
    'getFunnel',
    'Conversion funnel',
    'Sessions with a product view, an add to cart, a checkout and a purchase, per day.',
    'Funnel',
  ),
  '/api/kpis/top-products': rangeOp(
    'getTopProducts',
    'Top selling products',
    'Units summed over the range (all currencies), revenue summed per currency; ranked by units, ties by product_id.',
    'TopProduct',
    [
      {
        name: 'limit',
        in: 'query',
        description: 'How many products, 1 to 100.',
        schema: { type: 'integer', minimum: 1, maximum: 100, default: 10 },
      },
    ],
  ),
  '/api/kpis/orders-per-hour': {
    operationId: 'getOrdersPerHour',
    summary: 'Orders per hour',
    description:
      'Every hour of one local day, zeros included: 24 rows, or 23 and 25 on the days the zone changes clocks.',
    tags: ['kpis'],
    parameters: [{ ...from, name: 'date', description: 'The local day, YYYY-MM-DD.' }, tz, format],
    responses: listResponse(
      'OrdersPerHour',
      { type: 'object', required: ['tz', 'date'], properties: { tz: str, date: day } },
      true,
    ),
  },
  '/api/kpis/realtime': {
    operationId: 'getRealtime',
    summary: 'Near-real-time minutes',
    description:
      'The last minutes the streamer aggregated (table rt_kpi_minute). Empty, with meta.note saying why, while no streamer has written any.',
    tags: ['kpis'],
    parameters: [
      {
        name: 'minutes',
        in: 'query',
        description: 'How far back, 1 to 1440 minutes.',
        schema: { type: 'integer', minimum: 1, maximum: 1440, default: 60 },
      },
      format,
    ],
    responses: listResponse(
      'RealtimeMinute',
      {
        type: 'object',
        required: ['minutes', 'since'],
        properties: { minutes: int, since: { type: 'string', format: 'date-time' }, note: str },
      },
      false,
    ),
  },
  '/api/health': {
    operationId: 'getHealth',
    summary: 'Health',
    description: '200 when the database answers, else 503.',
    tags: ['ops'],
    parameters: [],
    security: [],
    responses: {
      '200': {
        description: 'Healthy.',
        content: { 'application/json': { schema: ref('Health') } },
      },
      '503': error('The database cannot be reached.'),
    },
  },
});

/** The document served at /openapi.json. */
export function openApiDocument(version: string): Readonly<Record<string, unknown>> {
  return Object.freeze({
    openapi: '3.1.0',
    info: {
      title: 'shoplens KPI API',
      version,
      description:
        'Daily KPIs of the shop computed by the shoplens batch, and near-real-time minutes from the streamer. Money is in integer minor units with its currency and never summed across currencies. Dates are YYYY-MM-DD local days of the reporting zone `tz`.',
      license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
    },
    servers: [{ url: '/' }],
    tags: [
      { name: 'kpis', description: 'Key performance indicators.' },
      { name: 'ops', description: 'Operations.' },
    ],
    security: [{}, { apiKey: [] }, { bearer: [] }],
    paths: Object.fromEntries(Object.entries(OPERATIONS).map(([path, op]) => [path, { get: op }])),
    components: {
      schemas: SCHEMAS,
      securitySchemes: {
        apiKey: {
          type: 'apiKey',
          in: 'header',
          name: 'x-api-key',
          description: 'When the server has API_KEY set.',
        },
        bearer: { type: 'http', scheme: 'bearer', description: 'The same key as a bearer token.' },
      },
    },
  });
}
