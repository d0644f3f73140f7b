import { format, from, to, tz, type ParameterObject } from './openapi-parameters.js';
import { day, int, str, type SCHEMAS } from './openapi-schemas.js';

/** Every route of the API: its query parameters (requests are validated against them) and responses. */

export interface OperationObject {
  readonly operationId: string;
  readonly summary: string;
  readonly description: string;
  readonly tags: readonly string[];
  readonly parameters: readonly ParameterObject[];
  readonly responses: Readonly<Record<string, unknown>>;
  readonly security?: readonly Record<string, readonly string[]>[];
}

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
  '/api/kpis/realtime/today': {
    operationId: 'getRealtimeToday',
    summary: 'Today so far, near real time',
    description:
      "The streamer's roll-up of its latest day (table rt_kpi_today): events, distinct users, orders and revenue per currency, in the streamer's zone. Empty, with meta.note saying why, while no streamer has written any.",
    tags: ['kpis'],
    parameters: [format],
    responses: listResponse('RealtimeToday', { type: 'object', properties: { note: str } }, false),
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
