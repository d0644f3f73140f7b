import {
  createFetchAhead,
  fetchRequestKey,
  nextFetchRequests,
  type FetchTopicRequest,
  type FetchedBatch,
} from './fetch-ahead.js';

const MB = 1024 * 1024;

function request(offsets: Record<string, readonly [number, string][]>): FetchTopicRequest[] {
  return Object.entries(offsets).map(([topic, parts]) => ({
    topic,
    partitions: parts.map(([partition, fetchOffset]) => ({ partition, fetchOffset, maxBytes: MB })),
  }));
}

function batch(topic: string, partition: number, last: string | undefined): FetchedBatch {
  return {
    topic,
    partition,
    isEmptyIncludingFiltered: () => last === undefined,
    lastOffset: () => last ?? 'unused',
  };
}

/** A broker that answers each fetch with its request's key, and counts the fetches. */
function broker() {
  const sent: string[] = [];
  let fail = false;
  return {
    sent,
    failNext: () => (fail = true),
    async fetch(r: { readonly topics: readonly FetchTopicRequest[] }): Promise<string> {
      const key = fetchRequestKey(r.topics);
      sent.push(key);
      if (fail) {
        fail = false;
        throw new Error('connection closed');
      }
      return key;
    },
  };
}

describe('nextFetchRequests', () => {
  it('asks each partition from past its batch, an empty one from where it was', () => {
    const sent = request({
      a: [
        [0, '10'],
        [1, '7'],
      ],
      b: [[2, '0']],
    });
    const next = nextFetchRequests(sent, [
      batch('a', 0, '19'),
      batch('a', 1, undefined),
      batch('b', 2, '9007199254740000'),
    ]);
    expect(next).toEqual(
      request({
        a: [
          [0, '20'],
          [1, '7'],
        ],
        b: [[2, '9007199254740001']],
      }),
    );
  });

  it('foresees nothing when a requested partition came back without a batch (seek, pause)', () => {
    const sent = request({
      a: [
        [0, '10'],
        [1, '7'],
      ],
    });
    expect(nextFetchRequests(sent, [batch('a', 0, '19')])).toBeUndefined();
  });
});

describe('createFetchAhead', () => {
  const first = {
    maxWaitTime: 100,
    topics: request({
      a: [
        [0, '0'],
        [1, '0'],
      ],
    }),
  };
  const fetched = [batch('a', 0, '4'), batch('a', 1, '9')];
  const following = {
    maxWaitTime: 100,
    topics: request({
      a: [
        [0, '5'],
        [1, '10'],
      ],
    }),
  };

  it('gives the speculative response to the very request it foresaw, without fetching again', async () => {
    const b = broker();
    const ahead = createFetchAhead<string>();
    await ahead.take(1, 'g1', b, first);
    ahead.ahead(1, 'g1', b, first, fetched);
    expect(await ahead.take(1, 'g1', b, following)).toBe(fetchRequestKey(following.topics));
    expect(b.sent).toHaveLength(2);
  });

  it('fetches afresh for any other request: offsets, generation or broker changed', async () => {
    const handledPartWay = {
      maxWaitTime: 100,
      topics: request({
        a: [
          [0, '3'],
          [1, '10'],
        ],
      }),
    };
    for (const [generation, other, req] of [
      ['g1', false, handledPartWay],
      ['g2', false, following],
      ['g1', true, following],
    ] as const) {
      const b = broker();
      const ahead = createFetchAhead<string>();
      ahead.ahead(1, 'g1', b, first, fetched);
      const answer = await ahead.take(1, generation, other ? broker() : b, req);
      expect(answer).toBe(fetchRequestKey(req.topics));
      // The foreseen fetch is dropped, never handed to a later request.
      const before = b.sent.length;
      expect(await ahead.take(1, 'g1', b, following)).toBe(fetchRequestKey(following.topics));
      expect(b.sent.length).toBe(before + 1);
    }
  });

  it('fetches afresh when the speculative fetch failed, so kafkajs sees its own error', async () => {
    const b = broker();
    const ahead = createFetchAhead<string>();
    b.failNext();
    ahead.ahead(1, 'g1', b, first, fetched);
    expect(await ahead.take(1, 'g1', b, following)).toBe(fetchRequestKey(following.topics));
    expect(b.sent).toEqual([fetchRequestKey(following.topics), fetchRequestKey(following.topics)]);
  });

  it('keeps one speculative fetch per broker node', async () => {
    const b = broker();
    const ahead = createFetchAhead<string>();
    ahead.ahead(1, 'g1', b, first, fetched);
    await ahead.take(2, 'g1', b, first);
    expect(await ahead.take(1, 'g1', b, following)).toBe(fetchRequestKey(following.topics));
    expect(b.sent).toHaveLength(2);
  });
});
