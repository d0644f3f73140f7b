import { StackError } from './errors.js';

/** Shifts every port, so a second checkout (or a CI dry run) can run its own stack beside this one. */
function portOffset(): number {
  const raw = process.env['SHOPLENS_STACK_PORT_OFFSET'] ?? '0';
  const offset = Number(raw);
  if (!Number.isInteger(offset) || offset < 0 || offset > 10000) {
    throw new StackError(
      'BAD_USAGE',
      `SHOPLENS_STACK_PORT_OFFSET must be an integer from 0 to 10000, got ${JSON.stringify(raw)}`,
    );
  }
  return offset;
}
const offset = portOffset();

/**
 * Where and how each service listens. Every port is deliberately not the service's
 * default, so the stack never collides with a system Kafka, PostgreSQL or MinIO.
 */
export const stackConfig = Object.freeze({
  host: '127.0.0.1',
  kafka: Object.freeze({
    version: '4.4.0',
    port: 19092 + offset,
    controllerPort: 19093 + offset,
    topics: Object.freeze(['pageviews', 'cart', 'orders'] as const),
    partitions: 3,
    heap: '1g',
  }),
  postgres: Object.freeze({
    port: 15432 + offset,
    database: 'shoplens',
    user: 'shoplens',
    password: 'shoplens',
  }),
  s3: Object.freeze({
    port: 19000 + offset,
    bucket: 'shoplens',
    lakePrefix: 'lake',
    accessKeyId: 'shoplens',
    secretAccessKey: 'shoplens-secret',
    region: 'us-east-1',
  }),
  airflow: Object.freeze({
    version: '3.3.2',
  }),
});

export type StackConfig = typeof stackConfig;

export const serviceNames = ['kafka', 'postgres', 's3', 'airflow'] as const;
export type ServiceName = (typeof serviceNames)[number];

/** What `up` starts when no service is named; Airflow is opt-in as it is slow to install. */
export const defaultServices: readonly ServiceName[] = Object.freeze(['kafka', 'postgres', 's3']);

export function isServiceName(value: string): value is ServiceName {
  return (serviceNames as readonly string[]).includes(value);
}

/** Tools the tests drive, besides the services. */
export const toolNames = ['chromium', 'compose', 'java', 'mvn', 'spark'] as const;
export type ToolName = (typeof toolNames)[number];

export function isToolName(value: string): value is ToolName {
  return (toolNames as readonly string[]).includes(value);
}

/** What `install` sets up when nothing is named: everything the test command needs. */
export const defaultInstalls: readonly (ServiceName | ToolName)[] = Object.freeze([...defaultServices, 'chromium', 'compose']);

/** A browser of one's own for the dashboard test (any Chromium or Chrome binary). */
export const toolConfig = Object.freeze({
  chromiumPath: process.env['CHROMIUM_PATH'] || undefined,
});
