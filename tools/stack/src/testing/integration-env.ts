export interface IntegrationEnv {
  readonly kafkaBrokers: readonly string[];
  readonly databaseUrl: string;
  readonly s3Endpoint: string;
  readonly s3Region: string;
  /** The bucket of LAKE_URL (s3://bucket/prefix). */
  readonly bucket: string;
}

function required(name: string): string {
  const value = process.env[name];
  if (!value) {
    throw new Error(
      `${name} is not set: integration tests need the stack's services (run them with the integration target, whose global setup starts them, or eval "$(npm run -s stack -- env)")`,
    );
  }
  return value;
}

/** The services the global setup provided, read from the environment once per call. */
export function integrationEnv(): IntegrationEnv {
  const lake = process.env['LAKE_URL'] ?? 's3://shoplens/lake';
  const bucket = /^s3:\/\/([^/]+)/.exec(lake)?.[1];
  if (!bucket) throw new Error(`LAKE_URL must be an s3:// URL for integration tests, got ${lake}`);
  return Object.freeze({
    kafkaBrokers: Object.freeze(required('KAFKA_BROKERS').split(',').map((broker) => broker.trim())),
    databaseUrl: required('DATABASE_URL'),
    s3Endpoint: required('S3_ENDPOINT'),
    s3Region: process.env['AWS_REGION'] ?? 'us-east-1',
    bucket,
  });
}
