/**
 * The OpenAPI 3.1 document of the API, served at /openapi.json: every route with its query
 * parameters (request validation is compiled from them) and responses, in
 * openapi-operations.ts; the schemas of its rows, in openapi-schemas.ts.
 */

import { OPERATIONS } from './openapi-operations.js';
import { SCHEMAS } from './openapi-schemas.js';

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
