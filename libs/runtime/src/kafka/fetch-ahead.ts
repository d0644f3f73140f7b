/**
 * Fetch-ahead for kafkajs's consumer, which the ingestor's bundle wires into
 * consumer/consumerGroup.js (apps/ingestor/bundle.mjs). kafkajs sends a broker its next
 * Fetch only once every batch of the last one is handled, so a member idles for each
 * round trip. Here, as soon as a fetch's batches are built, the Fetch that would follow
 * if each partition were handled to its end is sent; kafkajs's next fetch takes that
 * response only if it asks for exactly the same partitions at exactly the same offsets
 * (and limits), i.e. if it would have sent the same request. Anything else (a batch
 * handled part way, a seek, a pause, a rebalance, a failed speculative fetch) drops it and
 * kafkajs fetches as it always does. The log at an offset does not change, so a taken
 * response is one kafkajs could have got itself, a little earlier.
 */

/** kafkajs's per-topic Fetch request entry, as consumerGroup.fetch builds it. */
export interface FetchTopicRequest {
  readonly topic: string;
  readonly partitions: readonly {
    readonly partition: number;
    readonly fetchOffset: string;
    readonly maxBytes: number;
  }[];
}

/** What this reads of kafkajs's Batch. */
export interface FetchedBatch {
  readonly topic: string;
  readonly partition: number;
  isEmptyIncludingFiltered(): boolean;
  lastOffset(): string;
}

interface Broker<R> {
  fetch(request: { readonly topics: readonly FetchTopicRequest[] } & object): Promise<R>;
}

/**
 * The requests kafkajs would send next if every batch were handled to its end: a batch's
 * partition from past its last record (kafkajs's nextOffset once its last offset is
 * resolved), an empty one's from where it was. Undefined when a requested partition has
 * no batch (kafkajs dropped it: a pending seek or a pause), as nothing can be foreseen.
 */
export function nextFetchRequests(
  requests: readonly FetchTopicRequest[],
  batches: readonly FetchedBatch[],
): FetchTopicRequest[] | undefined {
  const byPartition = new Map<string, FetchedBatch>();
  for (const batch of batches) byPartition.set(`${batch.topic}|${batch.partition}`, batch);
  const next: FetchTopicRequest[] = [];
  for (const { topic, partitions } of requests) {
    const nextPartitions: FetchTopicRequest['partitions'][number][] = [];
    for (const p of partitions) {
      const batch = byPartition.get(`${topic}|${p.partition}`);
      if (batch === undefined) return undefined;
      const fetchOffset = batch.isEmptyIncludingFiltered()
        ? p.fetchOffset
        : String(Number(batch.lastOffset()) + 1);
      nextPartitions.push({ partition: p.partition, fetchOffset, maxBytes: p.maxBytes });
    }
    next.push({ topic, partitions: nextPartitions });
  }
  return next;
}

/** One line per partition and offset: two requests are the same when their keys are. */
export function fetchRequestKey(requests: readonly FetchTopicRequest[]): string {
  let key = '';
  for (const { topic, partitions } of requests)
    for (const p of partitions) key += `${topic}|${p.partition}|${p.fetchOffset}|${p.maxBytes}\n`;
  return key;
}

interface Pending<R> {
  readonly broker: Broker<R>;
  readonly key: string;
  readonly generation: unknown;
  /** Undefined if the speculative fetch failed: kafkajs then fetches (and sees the error). */
  readonly response: Promise<R | undefined>;
}

export interface FetchAhead<R> {
  /** kafkajs's fetch: the speculative response if it is this very request, else a fetch. */
  take(
    nodeId: number,
    generation: unknown,
    broker: Broker<R>,
    request: { readonly topics: readonly FetchTopicRequest[] } & object,
  ): Promise<R>;
  /** After a fetch's batches are built: send the one that would follow them. */
  ahead(
    nodeId: number,
    generation: unknown,
    broker: Broker<R>,
    request: { readonly topics: readonly FetchTopicRequest[] } & object,
    batches: readonly FetchedBatch[],
  ): void;
}

export function createFetchAhead<R>(): FetchAhead<R> {
  const pending = new Map<number, Pending<R>>();
  return {
    async take(nodeId, generation, broker, request) {
      const ahead = pending.get(nodeId);
      pending.delete(nodeId);
      if (
        ahead !== undefined &&
        ahead.broker === broker &&
        ahead.generation === generation &&
        ahead.key === fetchRequestKey(request.topics)
      ) {
        const response = await ahead.response;
        if (response !== undefined) return response;
      }
      return broker.fetch(request);
    },
    ahead(nodeId, generation, broker, request, batches) {
      const topics = nextFetchRequests(request.topics, batches);
      if (topics === undefined || topics.length === 0) return;
      const response = broker.fetch({ ...request, topics }).catch(() => undefined);
      pending.set(nodeId, { broker, key: fetchRequestKey(topics), generation, response });
    },
  };
}
