import { randomBytes } from 'node:crypto';

/**
 * A name no other test (or earlier run) uses: lower-case letters, digits and
 * `sep`, so it is valid as a Kafka topic, an S3 key segment and a SQL identifier.
 */
export function uniqueId(prefix: string, sep = '-'): string {
  const time = Date.now().toString(36);
  const random = randomBytes(4).toString('hex');
  return [prefix.toLowerCase().replace(/[^a-z0-9]+/g, sep), time, random].join(sep);
}
