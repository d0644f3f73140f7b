import { randomUUID } from 'node:crypto';
import { compressionType } from '@shoplens/runtime';
import { CONTRACT_LIMITS, type ReasonCode } from '@shoplens/schemas';
import {
  consoleProduce,
  createTestPrefix,
  createTestTopic,
  testKafka,
  uniqueGroupId,
  type TestPrefix,
  type TestTopic,
} from '@shoplens/stack/testing';
import { killAll, runApp, serviceEnv } from './bundled-app.js';
import { readLake, testLake, type LakeContents } from './lake-contents.js';

// Hostile records, through the real broker, to the bundled ingestor with its default
// settings: each ends as a raw line or a quarantine record with its reason, and the
// records behind it in the same partition flow. One partition, so a record that stalled
// its partition would hold back everything after it, the closing sentinel included.

const MiB = 1024 * 1024;

interface Poison {
  readonly label: string;
  readonly value: Buffer | null;
  readonly key?: string | null;
  /** The Kafka timestamp; default now. */
  readonly timestampMs?: number;
  /** Kafka record headers (tracing, as many producers add). */
  readonly headers?: Readonly<Record<string, string>>;
  /** Raw: the line it must be stored as. Quarantine: its reason (original bytes kept). */
  readonly expect: { readonly raw: string } | { readonly reason: ReasonCode };
}

function event(patch: Record<string, unknown> = {}, nowMs = Date.now()): Record<string, unknown> {
  return {
    event_id: randomUUID(),
    event_type: 'page_view',
    event_time: new Date(nowMs - 60_000).toISOString(),
    user_id: `u-${randomUUID().slice(0, 8)}`,
    session_id: 's-1',
    schema_version: 1,
    page_url: '/poison',
    ...patch,
  };
}

const json = (value: unknown) => JSON.stringify(value);
const text = (value: string) => Buffer.from(value, 'utf8');

function poisons(nowMs: number): Poison[] {
  const bomCrlf = event();
  const pretty = event();
  const escapedControl = event({ note: 'a\u0000b\u001fc\u007f' });
  const longExtra = event({ note: 'x'.repeat(CONTRACT_LIMITS.eventBytes - 1_000) });
  const deep = `${json(event()).slice(0, -1)},"deep":${'['.repeat(20_000)}${']'.repeat(20_000)}}`;
  const bigExtra = `${json(event()).slice(0, -1)},"big":123456789012345678901234567890,"tiny":1e-400}`;
  const micro = event();
  const nano = event();
  const noKey = event();
  const withHeaders = event();
  const future = event({ event_time: new Date(nowMs + 30 * 3_600_000).toISOString() });
  const purchase = {
    ...event({ event_type: 'purchase', order_id: 'o-1', currency: 'USD' }),
    page_url: undefined,
    items: [{ product_id: 'p', category: 'c', price_cents: 2 ** 60, quantity: 1 }],
  };
  return [
    {
      label: 'BOM and CRLF line ends, pretty-printed',
      value: text(`\uFEFF${JSON.stringify(bomCrlf, null, 2).replace(/\n/g, '\r\n')}\r\n`),
      expect: { raw: json(bomCrlf) },
    },
    {
      label: 'multi-line JSON',
      value: text(JSON.stringify(pretty, null, '\t')),
      expect: { raw: json(pretty) },
    },
    {
      label: 'escaped control characters in an extra field',
      value: text(json(escapedControl)),
      expect: { raw: json(escapedControl) },
    },
    {
      label: 'an escaped NUL in user_id',
      value: text(json(event({ user_id: 'u\u0000x' }))),
      expect: { reason: 'control_character' },
    },
    {
      label: 'a very long user_id',
      value: text(json(event({ user_id: 'u'.repeat(5_000) }))),
      expect: { reason: 'value_too_long' },
    },
    {
      label: 'a long extra string within the size limit',
      value: text(json(longExtra)),
      expect: { raw: json(longExtra) },
    },
    { label: 'deep nesting in an extra field', value: text(deep), expect: { raw: deep } },
    {
      label: 'a record near 1 MiB',
      value: text(json(event({ note: 'n'.repeat(MiB - 600) }))),
      expect: { reason: 'record_too_large' },
    },
    {
      label: 'a record above 1 MiB',
      value: text(json(event({ note: 'n'.repeat(MiB + 300_000) }))),
      expect: { reason: 'record_too_large' },
    },
    {
      label: 'invalid UTF-8',
      value: Buffer.concat([text('{"event_id":"'), Buffer.from([0xc3, 0x28, 0xff]), text('"}')]),
      expect: { reason: 'invalid_json' },
    },
    {
      label: 'a raw NUL byte',
      value: Buffer.concat([text(json(event()).slice(0, -1)), Buffer.from([0]), text('}')]),
      expect: { reason: 'invalid_json' },
    },
    { label: 'an empty value', value: Buffer.alloc(0), expect: { reason: 'invalid_json' } },
    { label: 'a tombstone (null value)', value: null, expect: { reason: 'invalid_json' } },
    {
      label: 'numbers beyond 2^53 in an extra field',
      value: text(bigExtra),
      expect: { raw: bigExtra },
    },
    {
      label: 'a price beyond 2^53',
      value: text(json(purchase)),
      expect: { reason: 'invalid_type' },
    },
    {
      label: 'a Kafka timestamp in microseconds',
      value: text(json(micro)),
      timestampMs: nowMs * 1000,
      expect: { raw: json(micro) },
    },
    {
      label: 'a Kafka timestamp in nanoseconds, invalid record',
      value: text('{"not":"an event"}'),
      timestampMs: nowMs * 1_000_000,
      expect: { reason: 'missing_field' },
    },
    {
      label: 'a Kafka timestamp far in the future does not excuse a future event_time',
      value: text(json(future)),
      timestampMs: Date.UTC(2100, 0, 1),
      expect: { reason: 'event_time_in_future' },
    },
    {
      label: 'a Kafka timestamp in nanoseconds, valid event',
      value: text(json(nano)),
      timestampMs: nowMs * 1_000_000,
      expect: { raw: json(nano) },
    },
    { label: 'no key', value: text(json(noKey)), key: null, expect: { raw: json(noKey) } },
    {
      label: 'a valid event with headers',
      value: text(json(withHeaders)),
      headers: { traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' },
      expect: { raw: json(withHeaders) },
    },
    {
      label: 'an invalid record with headers',
      value: text('{"event_type":"page_view"}'),
      headers: { 'x-source': 'shop' },
      expect: { reason: 'missing_field' },
    },
  ];
}

/** What the Java console producer sends (one record per line, so no CR or LF). */
function consolePoisons(): Poison[] {
  const bom = event();
  const big = `${json(event()).slice(0, -1)},"big":98765432109876543210}`;
  const sentinel = event({ page_url: '/console-sentinel' });
  return [
    { label: 'console: BOM', value: text(`\uFEFF${json(bom)}`), expect: { raw: json(bom) } },
    {
      label: 'console: NUL in session_id',
      value: text(json(event({ session_id: 'a\u0000' }))),
      expect: { reason: 'control_character' },
    },
    {
      label: 'console: long category',
      value: text(
        json({
          ...event({ event_type: 'product_view', product_id: 'p', currency: 'EUR', quantity: 1 }),
          page_url: undefined,
          category: 'c'.repeat(10_000),
          price_cents: 100,
        }),
      ),
      expect: { reason: 'value_too_long' },
    },
    { label: 'console: big number extra', value: text(big), expect: { raw: big } },
    { label: 'console: not JSON', value: text('hello, kafka'), expect: { reason: 'invalid_json' } },
    { label: 'console: sentinel', value: text(json(sentinel)), expect: { raw: json(sentinel) } },
  ];
}

describe('hostile records through the broker to the bundled ingestor', () => {
  let topic: TestTopic;
  let prefix: TestPrefix;
  let lake: LakeContents;
  const nowMs = Date.now();
  const kafkajsRecords = poisons(nowMs);
  const sentinel = event({ page_url: '/sentinel' });
  const consoleRecords = consolePoisons();

  beforeAll(async () => {
    topic = await createTestTopic({
      prefix: 'e2e-poison',
      partitions: 1,
      // Kafka 4 refuses timestamps over an hour ahead by default; older brokers, and
      // topics configured so, take them, and then the ingestor must cope.
      config: {
        'max.message.bytes': String(4 * MiB),
        'message.timestamp.after.max.ms': '9223372036854775807',
      },
    });
    prefix = createTestPrefix('e2e-poison');
    const producer = testKafka().producer({ allowAutoTopicCreation: false });
    await producer.connect();
    try {
      // One record a request, so each is its own LZ4 batch as the simulator would send it.
      for (const p of [...kafkajsRecords, { value: text(json(sentinel)), label: 'sentinel' }]) {
        const record = p as Poison;
        await producer.send({
          topic: topic.topic,
          acks: -1,
          compression: compressionType('lz4'),
          messages: [
            {
              key: record.key === undefined ? 'k' : record.key,
              value: record.value,
              timestamp: String(record.timestampMs ?? nowMs),
              ...(record.headers === undefined ? {} : { headers: { ...record.headers } }),
            },
          ],
        });
      }
    } finally {
      await producer.disconnect();
    }
    for (const [i, compression] of (['lz4', 'zstd', 'snappy', 'gzip'] as const).entries()) {
      const slice = i === 3 ? consoleRecords : consoleRecords.slice(0, 2);
      await consoleProduce(
        topic.topic,
        slice.map((p) => ({ key: `console-${compression}`, value: p.value!.toString('utf8') })),
        { compression },
      );
    }
    const { url, store } = testLake(prefix);
    await runApp(
      'ingestor',
      [],
      serviceEnv({
        LAKE_URL: url,
        INGESTOR_TOPICS: topic.topic,
        INGESTOR_GROUP_ID: uniqueGroupId('e2e-poison'),
        // Only so that the run ends: everything else is the default.
        INGESTOR_EXIT_WHEN_IDLE_MS: '4000',
      }),
      { label: 'poison-ingestor', timeoutMs: 240_000 },
    );
    lake = await readLake(store);
  });

  afterAll(async () => {
    killAll();
    await topic?.delete();
    await prefix?.clear();
  });

  const rawLines = () => lake.raw.map((b) => b.toString('utf8'));
  // Offsets are the order of production: kafkajs records first, then the console batches.
  const consoleOffsets = (() => {
    const out: { offset: number; poison: Poison }[] = [];
    let offset = kafkajsRecords.length + 1;
    for (let i = 0; i < 4; i++) {
      const slice = i === 3 ? consoleRecords : consoleRecords.slice(0, 2);
      for (const poison of slice) out.push({ offset: offset++, poison });
    }
    return out;
  })();
  const all = [...kafkajsRecords.map((poison, offset) => ({ offset, poison })), ...consoleOffsets];

  it('lets the records behind every poison through', () => {
    expect(rawLines()).toContain(json(sentinel));
    const consoleSentinel = consoleRecords.at(-1)!.expect;
    expect('raw' in consoleSentinel && rawLines()).toContain(
      'raw' in consoleSentinel ? consoleSentinel.raw : undefined,
    );
  });

  it.each(all.map(({ offset, poison }) => [poison.label, offset, poison] as const))(
    '%s (offset %d) lands where the contract says',
    (_label, offset, poison) => {
      const quarantined = lake.quarantine.filter((q) => q.offset === String(offset));
      const { expect: wanted } = poison;
      if ('raw' in wanted) {
        expect(quarantined).toEqual([]);
        // The same record sent in several batches is stored once for each.
        const copies = all.filter(
          ({ poison: p }) => 'raw' in p.expect && p.expect.raw === wanted.raw,
        ).length;
        expect(rawLines().filter((line) => line === wanted.raw)).toHaveLength(copies);
      } else {
        expect(quarantined.map((q) => q.reason)).toEqual([wanted.reason]);
        // The original bytes are kept, whatever they were.
        expect(quarantined[0]!.value.equals(poison.value ?? Buffer.alloc(0))).toBe(true);
      }
    },
  );

  it('holds nothing else, and files quarantine by a plausible arrival day', () => {
    const expectedRaw = all.filter(({ poison }) => 'raw' in poison.expect).length + 1;
    expect(lake.raw).toHaveLength(expectedRaw);
    expect(lake.quarantine).toHaveLength(all.length + 1 - expectedRaw);
    const today = new Date(nowMs).toISOString().slice(0, 10);
    const tomorrow = new Date(nowMs + 86_400_000).toISOString().slice(0, 10);
    for (const q of lake.quarantine)
      expect(q.key).toMatch(new RegExp(`dt=(${today}|${tomorrow})/`));
  });
});
