import { createHash, randomBytes } from 'node:crypto';
import {
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import type { S3Client } from '@aws-sdk/client-s3';
import type { EachMessagePayload } from 'kafkajs';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { createTestPrefix, createTestSchema, createTestTopic, testKafka, testS3Client } from './testing/index.js';
import type { TestPrefix, TestSchema, TestTopic } from './testing/index.js';

describe('kafka', () => {
  let topic: TestTopic;

  beforeAll(async () => {
    topic = await createTestTopic({ prefix: 'stack-kafka' });
  });
  afterAll(() => topic.delete());

  it('delivers produced records to a consumer group, keyed and in order per key', async () => {
    const kafka = testKafka();
    const producer = kafka.producer();
    const consumer = kafka.consumer({ groupId: topic.groupId });
    await Promise.all([producer.connect(), consumer.connect()]);
    try {
      await consumer.subscribe({ topic: topic.topic, fromBeginning: true });
      const received: { key: string; value: string; partition: number }[] = [];
      const allReceived = new Promise<void>((resolve) => {
        void consumer.run({
          eachMessage: async ({ message, partition }: EachMessagePayload) => {
            received.push({ key: message.key?.toString() ?? '', value: message.value?.toString() ?? '', partition });
            if (received.length === 4) resolve();
          },
        });
      });
      await producer.send({
        topic: topic.topic,
        messages: [
          { key: 'user-1', value: '{"n":1}' },
          { key: 'user-2', value: '{"n":2}' },
          { key: 'user-1', value: '{"n":3}' },
          { key: 'user-3', value: '{"n":4}' },
        ],
      });
      await allReceived;

      expect(received.map((r) => r.value).sort()).toEqual(['{"n":1}', '{"n":2}', '{"n":3}', '{"n":4}']);
      const user1 = received.filter((r) => r.key === 'user-1');
      expect(user1.map((r) => r.value)).toEqual(['{"n":1}', '{"n":3}']);
      expect(new Set(user1.map((r) => r.partition)).size).toBe(1);
    } finally {
      await Promise.all([producer.disconnect(), consumer.disconnect()]);
    }
  });

  it('creates the pipeline topics and never creates one on demand', async () => {
    const admin = testKafka().admin();
    await admin.connect();
    try {
      const metadata = await admin.fetchTopicMetadata({ topics: ['pageviews', 'cart', 'orders'] });
      const partitions = metadata.topics.map((t) => [t.name, t.partitions.length]).sort();
      expect(partitions).toEqual([
        ['cart', 3],
        ['orders', 3],
        ['pageviews', 3],
      ]);
      const producer = testKafka().producer({ allowAutoTopicCreation: true, retry: { retries: 1 } });
      await producer.connect();
      await expect(producer.send({ topic: `${topic.topic}-typo`, messages: [{ value: 'x' }] })).rejects.toThrow();
      await producer.disconnect();
      expect(await admin.listTopics()).not.toContain(`${topic.topic}-typo`);
    } finally {
      await admin.disconnect();
    }
  });
});

async function readBody(client: S3Client, bucket: string, key: string): Promise<Buffer> {
  const object = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  if (!object.Body) throw new Error(`no body for ${key}`);
  return Buffer.from(await object.Body.transformToByteArray());
}

const sha256 = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');

describe('s3', () => {
  let client: S3Client;
  let area: TestPrefix;

  beforeAll(() => {
    client = testS3Client();
    area = createTestPrefix('stack-s3');
  });
  afterAll(async () => {
    await area.clear();
    client.destroy();
  });

  it('writes, lists and reads objects', async () => {
    const keys = ['raw/topic=orders/dt=2024-03-01/hour=10/a.jsonl', 'raw/topic=orders/dt=2024-03-01/hour=11/b.jsonl', 'kpi/x.json'];
    for (const key of keys) {
      await client.send(new PutObjectCommand({ Bucket: area.bucket, Key: area.prefix + key, Body: `content of ${key}\n` }));
    }
    const listed = await client.send(new ListObjectsV2Command({ Bucket: area.bucket, Prefix: `${area.prefix}raw/` }));
    expect((listed.Contents ?? []).map((o) => o.Key).sort()).toEqual(keys.slice(0, 2).map((k) => area.prefix + k));

    const delimited = await client.send(new ListObjectsV2Command({ Bucket: area.bucket, Prefix: area.prefix, Delimiter: '/' }));
    expect((delimited.CommonPrefixes ?? []).map((p) => p.Prefix).sort()).toEqual([`${area.prefix}kpi/`, `${area.prefix}raw/`]);

    expect((await readBody(client, area.bucket, area.prefix + keys[2])).toString()).toBe('content of kpi/x.json\n');
  });

  it('assembles a multipart upload of more than 5 MiB', async () => {
    const key = `${area.prefix}big/part-0.parquet`;
    const parts = [randomBytes(5 * 1024 * 1024), randomBytes(5 * 1024 * 1024), randomBytes(1024 * 1024 + 7)];
    const { UploadId } = await client.send(new CreateMultipartUploadCommand({ Bucket: area.bucket, Key: key }));
    const uploaded = [];
    for (const [index, body] of parts.entries()) {
      const { ETag } = await client.send(
        new UploadPartCommand({ Bucket: area.bucket, Key: key, UploadId, PartNumber: index + 1, Body: body }),
      );
      uploaded.push({ ETag, PartNumber: index + 1 });
    }
    await client.send(new CompleteMultipartUploadCommand({ Bucket: area.bucket, Key: key, UploadId, MultipartUpload: { Parts: uploaded } }));

    const whole = Buffer.concat(parts);
    const head = await client.send(new HeadObjectCommand({ Bucket: area.bucket, Key: key }));
    expect(head.ContentLength).toBe(whole.length);
    // A multipart ETag is the hash of the part hashes, suffixed with the part count.
    expect(head.ETag).toMatch(/-3"$/);
    expect(sha256(await readBody(client, area.bucket, key))).toBe(sha256(whole));
  });
});

interface KpiTable {
  day: string;
  currency: string;
  revenue_cents: string;
}

describe('postgres', () => {
  let schema: TestSchema;
  let db: Kysely<{ kpi_test: KpiTable }>;

  beforeAll(async () => {
    schema = await createTestSchema('stack_pg');
    db = new Kysely({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: schema.url, max: 2 }) }) });
  });
  afterAll(async () => {
    await db.destroy();
    await schema.drop();
  });

  it('runs kysely queries in a schema of its own', async () => {
    await db.schema
      .createTable('kpi_test')
      .addColumn('day', 'date', (c) => c.notNull())
      .addColumn('currency', 'char(3)', (c) => c.notNull())
      .addColumn('revenue_cents', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('kpi_test_pk', ['day', 'currency'])
      .execute();
    await db
      .insertInto('kpi_test')
      .values([
        { day: '2024-03-01', currency: 'EUR', revenue_cents: '1250' },
        { day: '2024-03-01', currency: 'USD', revenue_cents: '990' },
        { day: '2024-03-02', currency: 'EUR', revenue_cents: '300' },
      ])
      .execute();

    const totals = await db
      .selectFrom('kpi_test')
      .select(['currency', sql<string>`sum(revenue_cents)`.as('total')])
      .groupBy('currency')
      .orderBy('currency')
      .execute();
    expect(totals).toEqual([
      { currency: 'EUR', total: '1550' },
      { currency: 'USD', total: '990' },
    ]);

    const where = await sql<{ schema: string }>`select current_schema() as schema`.execute(db);
    expect(where.rows[0]?.schema).toBe(schema.schema);
  });
});
