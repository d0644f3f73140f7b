import { randomUUID } from 'node:crypto';
import kafkajs from 'kafkajs';
import { TOPIC_NAMES } from '@shoplens/schemas';
import { createTopicsAndWait, uniqueId } from '@shoplens/stack/testing';
import {
  killAll,
  readTopics,
  serviceEnv,
  startCollector,
  deleteTopics,
} from './testing/bundled-apps.helper.spec.js';

// The collector writes its own record batches: with every codec Kafka defines, many
// requests at once, the broker takes them (it checks each batch's CRC, sequence and
// records) and a kafkajs consumer reads every event back once, with its key, on the
// partition kafkajs's (the Java client's) default partitioner gives that key, in each
// request's order.

const PARTITIONS = 3;

function events(run: string, request: number) {
  return Array.from({ length: 40 }, (_, i) => ({
    event_id: randomUUID(),
    event_type: i % 2 === 0 ? 'page_view' : 'add_to_cart',
    event_time: new Date().toISOString(),
    // Non-ASCII user ids: keys are hashed as UTF-8.
    user_id: `${run}-ü${(request * 7 + i) % 13}`,
    session_id: `s-${i}`,
    schema_version: 1,
    page_url: 'https://shop.example/',
    product_id: `p-${i}`,
    category: 'games',
    price_cents: 1999,
    currency: 'EUR',
    quantity: 1 + (i % 3),
    seq: request * 1000 + i,
  }));
}

describe.each(['none', 'gzip', 'snappy', 'lz4', 'zstd'])('records produced with %s', (codec) => {
  const prefix = `${uniqueId(`collector-${codec}`)}.`;
  const topics = TOPIC_NAMES.map((t) => prefix + t);

  afterAll(async () => {
    killAll();
    await deleteTopics(topics);
  });

  it('reach the broker once each, keyed and partitioned by user, in order', async () => {
    await createTopicsAndWait(topics, { partitions: PARTITIONS });
    const collector = await startCollector(
      serviceEnv({ COLLECTOR_TOPIC_PREFIX: prefix, KAFKA_COMPRESSION: codec }),
      `${prefix}collector`,
    );
    const requests = Array.from({ length: 30 }, (_, r) => events(prefix, r));
    // A user-less event has no key: it still goes, to some partition.
    requests[0]!.push({
      ...requests[0]![0]!,
      event_id: randomUUID(),
      user_id: 7 as never,
      seq: -1,
    });
    const answers = await Promise.all(
      requests.map((batch) =>
        fetch(`${collector.url}/v1/events`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(batch),
        }),
      ),
    );
    expect(answers.map((a) => a.status)).toEqual(requests.map(() => 200));
    const sent = requests.flat();
    const got = await readTopics(topics, sent.length);
    expect(got).toHaveLength(sent.length);

    const partitioner = kafkajs.Partitioners.DefaultPartitioner();
    const partitionMetadata = Array.from({ length: PARTITIONS }, (_, partitionId) => ({
      partitionId,
      leader: 1,
      partitionErrorCode: 0,
      replicas: [1],
      isr: [1],
    }));
    const bySeq = new Map(sent.map((e) => [e.seq, e]));
    const lastSeq = new Map<string, number>();
    for (const record of got) {
      const event = JSON.parse(record.value) as (typeof sent)[number];
      expect(bySeq.get(event.seq)).toEqual(event);
      bySeq.delete(event.seq);
      const topic = event.event_type === 'page_view' ? 'pageviews' : 'cart';
      expect(record.topic).toBe(prefix + topic);
      if (event.seq === -1) {
        expect(record.key).toBeNull();
        continue;
      }
      expect(record.key).toBe(event.user_id);
      expect(record.partition).toBe(
        partitioner({
          topic: record.topic,
          partitionMetadata,
          message: { key: event.user_id, value: '' },
        }),
      );
      // One request's events of a partition keep their order.
      const id = `${record.topic}/${record.partition}/${Math.floor(event.seq / 1000)}`;
      expect(event.seq).toBeGreaterThan(lastSeq.get(id) ?? -Infinity);
      lastSeq.set(id, event.seq);
    }
    expect(bySeq.size).toBe(0);
  }, 120_000);
});
