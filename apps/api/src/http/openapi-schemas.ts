import {
  DAILY_ACTIVE_USERS,
  FUNNEL_DAILY,
  ORDERS_PER_HOUR,
  REVENUE_BY_CATEGORY,
  REVENUE_DAILY,
  kpiRowProperties,
  type KpiTable,
} from '@shoplens/transforms';

/** The component schemas of the OpenAPI document: errors, meta and the rows of each route. */

export const int = { type: 'integer' } as const;
export const str = { type: 'string' } as const;
export const day = { type: 'string', format: 'date' } as const;

function rowSchema(properties: Readonly<Record<string, unknown>>, description: string) {
  return {
    type: 'object',
    description,
    required: Object.keys(properties),
    properties,
    additionalProperties: false,
  };
}

/** The schema of a KPI table's served rows, from the table's descriptor. */
function kpiSchema(table: KpiTable) {
  return rowSchema(kpiRowProperties(table), table.description);
}

function insertAfter(
  properties: Readonly<Record<string, unknown>>,
  after: string,
  added: Readonly<Record<string, unknown>>,
): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(properties).flatMap((entry) =>
      entry[0] === after ? [entry, ...Object.entries(added)] : [entry],
    ),
  );
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
  DailyActiveUsers: kpiSchema(DAILY_ACTIVE_USERS),
  RevenueByCategory: kpiSchema(REVENUE_BY_CATEGORY),
  RevenueDaily: kpiSchema(REVENUE_DAILY),
  Funnel: kpiSchema(FUNNEL_DAILY),
  TopProduct: rowSchema(
    {
      rank: int,
      product_id: str,
      category: str,
      product_name: {
        type: ['string', 'null'],
        description:
          "The product's name on the latest day of the range that has one; null when no event named it.",
      },
      units: int,
      revenue_cents: {
        type: 'object',
        description: 'Revenue per currency code; amounts in different currencies are never added.',
        additionalProperties: int,
      },
    },
    'A product ranked by units over the range (ties by product_id).',
  ),
  // Served with the local hour of day next to its instant, and zeros for hours without orders.
  OrdersPerHour: rowSchema(
    insertAfter(kpiRowProperties(ORDERS_PER_HOUR), 'hour_start', { hour: int }),
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
  RealtimeToday: rowSchema(
    {
      day: day,
      tz: str,
      currency: str,
      events: int,
      active_users: int,
      orders: int,
      revenue_cents: int,
      add_to_carts: int,
      updated_at: { type: 'string', format: 'date-time' },
    },
    "The streamer's figures of its latest day so far, per currency ('' when the day has no order yet).",
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
