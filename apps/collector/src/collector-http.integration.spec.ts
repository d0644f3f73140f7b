import { createServer, type Server, type Socket } from 'node:net';
import { gzipSync } from 'node:zlib';
import { TOPIC_NAMES, validateEvent } from '@shoplens/schemas';
import { createTopicsAndWait, uniqueId } from '@shoplens/stack/testing';
import {
  killAll,
  readTopics,
  recordCount,
  runApp,
  serviceEnv,
  startCollector,
  waitFor,
  type AppRun,
  deleteTopics,
} from './testing/bundled-apps.helper.spec.js';

// The bundled collector as a process, on its defaults but for the broker, a topic prefix
// of the test's own and a write key: every answer the docs promise, read off the wire,
// and the records it produced, read back from the broker.

const WRITE_KEY = 'wk_test_1';
const basic = (key: string) => `Basic ${Buffer.from(`${key}:`).toString('base64')}`;

function segmentBatch(n: number, prefix: string) {
  return {
    sentAt: new Date().toISOString(),
    batch: Array.from({ length: n }, (_, i) => ({
      type: 'track',
      event: i % 2 === 0 ? 'Product Viewed' : 'Order Completed',
      anonymousId: `anon-${i % 3}`,
      messageId: `${prefix}-${i}`,
      timestamp: new Date().toISOString(),
      properties: {
        product_id: `${prefix}-p-${i}`,
        category: 'games',
        price: 12.5,
        currency: 'EUR',
        order_id: `${prefix}-o-${i}`,
        products: [{ product_id: `${prefix}-p-${i}`, category: 'games', price: 12.5, quantity: 2 }],
      },
    })),
  };
}

describe('the bundled collector over HTTP', () => {
  const prefix = `${uniqueId('collector-http')}.`;
  const topics = TOPIC_NAMES.map((t) => prefix + t);
  let collector: AppRun & { url: string };

  beforeAll(async () => {
    await createTopicsAndWait(topics, { partitions: 3 });
    collector = await startCollector(
      serviceEnv({ COLLECTOR_TOPIC_PREFIX: prefix, COLLECTOR_WRITE_KEYS: `other,${WRITE_KEY}` }),
      `${prefix}collector`,
    );
  }, 120_000);

  afterAll(async () => {
    killAll();
    await deleteTopics(topics);
  });

  const post = (path: string, body: string | Buffer, headers: Record<string, string> = {}) =>
    fetch(`${collector.url}${path}`, {
      method: 'POST',
      body,
      headers: { 'Content-Type': 'application/json', Authorization: basic(WRITE_KEY), ...headers },
    });

  it('prints its usage for --help and refuses a bad setting with exit code 2', async () => {
    const help = await runApp('collector', ['--help'], serviceEnv(), `${prefix}help`);
    expect(help.stdout()).toContain('POST /v1/batch');
    expect(help.stdout()).toContain('COLLECTOR_WRITE_KEYS');
    const bad = await runApp(
      'collector',
      [],
      serviceEnv({ PORT: 'eighty' }),
      `${prefix}bad-port`,
      2,
    );
    expect(bad.stderr()).toContain('PORT must be an integer');
    const noBroker = await runApp(
      'collector',
      [],
      { PATH: process.env['PATH'] },
      `${prefix}no-broker`,
      2,
    );
    expect(noBroker.stderr()).toContain('KAFKA_BROKERS is not set');
  });

  it('produces a Segment batch to the contract topics, keyed by user_id, and answers after the broker has it', async () => {
    const before = await recordCount(topics);
    const body = segmentBatch(10, uniqueId('m'));
    const res = await post('/v1/batch', JSON.stringify(body));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ success: true, accepted: 10, rejected: [], ignored: [] });
    // Acknowledged means on the broker already.
    expect((await recordCount(topics)) - before).toBe(10);
  });

  it('gives a retried batch the same event ids, whatever its sentAt', async () => {
    const body = segmentBatch(6, uniqueId('retry'));
    const send = async (b: unknown) => {
      const res = await post('/v1/batch', JSON.stringify(b));
      expect(res.status).toBe(200);
    };
    const before = await recordCount(topics);
    await send(body);
    await send({ ...body, sentAt: new Date(Date.now() + 5_000).toISOString() });
    expect((await recordCount(topics)) - before).toBe(12);
    const all = await readTopics(topics, before + 12);
    const mine = new Set(body.batch.map((c) => c.properties.product_id));
    const records = all.filter((r) =>
      mine.has(
        String(
          (JSON.parse(r.value) as Record<string, unknown>)['product_id'] ??
            (JSON.parse(r.value) as { items: { product_id: string }[] }).items[0]!.product_id,
        ),
      ),
    );
    expect(records).toHaveLength(12);
    const events = records.map((r) => JSON.parse(r.value) as Record<string, unknown>);
    const byId = new Map<string, number>();
    for (const e of events)
      byId.set(String(e['event_id']), (byId.get(String(e['event_id'])) ?? 0) + 1);
    expect(byId.size).toBe(6);
    expect([...byId.values()]).toEqual([2, 2, 2, 2, 2, 2]);
    for (const r of records) {
      const e = JSON.parse(r.value) as Record<string, unknown>;
      expect(r.key).toBe(e['user_id']);
      expect(r.topic).toBe(prefix + (e['event_type'] === 'purchase' ? 'orders' : 'pageviews'));
      expect(validateEvent(e).ok).toBe(true);
    }
  });

  it('takes gzip bodies, NDJSON and the native array on /v1/events', async () => {
    const event = {
      event_id: crypto.randomUUID(),
      event_type: 'add_to_cart',
      event_time: new Date().toISOString(),
      user_id: 'native-user',
      session_id: 's',
      schema_version: 1,
      product_id: 'p',
      category: 'c',
      price_cents: 100,
      currency: 'EUR',
      quantity: 1,
    };
    let res = await post(
      '/v1/events',
      gzipSync(JSON.stringify([event, { ...event, price_cents: -1 }])),
      {
        'Content-Encoding': 'gzip',
      },
    );
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      accepted: 1,
      rejected: [{ index: 1, reason: 'invalid_value', quarantined: true }],
    });
    res = await post('/v1/events', `${JSON.stringify(event)}\n${JSON.stringify(event)}\n`, {
      'Content-Type': 'application/x-ndjson',
    });
    expect(await res.json()).toMatchObject({ accepted: 2, rejected: [] });
    res = await post('/v1/track', gzipSync(JSON.stringify({ userId: 'u', event: 'Signed Up' })), {
      'Content-Encoding': 'gzip',
      'Content-Type': 'text/plain',
    });
    expect(await res.json()).toEqual({
      success: true,
      accepted: 0,
      rejected: [],
      ignored: [{ index: 0, reason: 'unmapped_track_event' }],
    });
  });

  it('answers 401 for a missing or wrong write key, in the header or the body', async () => {
    const body = JSON.stringify(segmentBatch(1, uniqueId('auth')));
    const noAuth = (path: string, b: string) =>
      fetch(`${collector.url}${path}`, {
        method: 'POST',
        body: b,
        headers: { 'Content-Type': 'application/json' },
      });
    for (const res of [
      await noAuth('/v1/batch', body),
      await noAuth('/v1/events', '[]'),
      await post('/v1/batch', body, { Authorization: basic('wrong') }),
      await noAuth('/v1/batch', JSON.stringify({ ...JSON.parse(body), writeKey: 'wrong' })),
    ]) {
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toContain('Basic');
      expect(await res.json()).toMatchObject({
        error: { code: 'unauthorized', message: expect.stringContaining('write key') },
      });
    }
    const inBody = await noAuth(
      '/v1/batch',
      JSON.stringify({ ...JSON.parse(body), writeKey: WRITE_KEY }),
    );
    expect(inBody.status).toBe(200);
  });

  it('answers 400 for malformed JSON or a body that is not a batch, and per event otherwise', async () => {
    for (const [path, body] of [
      ['/v1/batch', '{"batch": ['],
      ['/v1/batch', '{"batch": {}}'],
      ['/v1/batch', '[]'],
      ['/v1/events', '{"event_type": "page_view"}'],
      ['/v1/events', 'not json'],
    ] as const) {
      const res = await post(path, body);
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({
        error: { code: 'bad_request', message: expect.any(String) },
      });
    }
    const res = await post(
      '/v1/batch',
      JSON.stringify({
        batch: [
          {
            type: 'track',
            event: 'Product Added',
            userId: 'u',
            properties: { product_id: 'p', price: 1.5, currency: 'JPY' },
          },
          { type: 'identify', userId: 'u' },
          { type: 'page', anonymousId: 'a', properties: { url: '/' } },
        ],
      }),
    );
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      accepted: 1,
      rejected: [{ index: 0, reason: 'inexact_amount', quarantined: false }],
      ignored: [{ index: 1, reason: 'identify_call' }],
    });
  });

  it('answers 413 above 512 KiB, on the wire or once decompressed', async () => {
    const big = JSON.stringify({
      batch: [{ type: 'page', anonymousId: 'a', properties: { url: 'x'.repeat(530_000) } }],
    });
    let res = await post('/v1/batch', big);
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ error: { code: 'payload_too_large' } });
    res = await post('/v1/batch', gzipSync(big), { 'Content-Encoding': 'gzip' });
    expect(res.status).toBe(413);
    // Just below the limit passes (the event itself is too large for the contract: quarantined).
    res = await post(
      '/v1/batch',
      JSON.stringify({
        batch: [{ type: 'page', anonymousId: 'a', properties: { url: 'x'.repeat(500_000) } }],
      }),
    );
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      rejected: [{ reason: 'record_too_large', quarantined: true }],
    });
  });

  it('answers 415 for other content types and encodings', async () => {
    const cases: Record<string, string>[] = [
      { 'Content-Type': 'application/x-www-form-urlencoded' },
      { 'Content-Type': 'application/xml' },
      { 'Content-Encoding': 'br' },
    ];
    for (const headers of cases) {
      const res = await post('/v1/batch', '{"batch": []}', headers);
      expect(res.status).toBe(415);
      expect((await res.json()) as unknown).toMatchObject({
        error: { message: expect.any(String) },
      });
    }
    const ndjsonOnSegment = await post('/v1/batch', '{}', {
      'Content-Type': 'application/x-ndjson',
    });
    expect(ndjsonOnSegment.status).toBe(415);
  });

  it('serves the tracker, answers CORS preflights and reports its health', async () => {
    const js = await fetch(`${collector.url}/shoplens.js`);
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toContain('javascript');
    expect(await js.text()).toContain('sendBeacon');
    const pre = await fetch(`${collector.url}/v1/batch`, {
      method: 'OPTIONS',
      headers: { Origin: 'https://shop.example', 'Access-Control-Request-Method': 'POST' },
    });
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-origin')).toBe('*');
    const health = await fetch(`${collector.url}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({
      status: 'ok',
      kafka: 'connected',
      ignored: expect.any(Number),
    });
  });
});

describe('the bundled collector when Kafka does not acknowledge', () => {
  const prefix = `${uniqueId('collector-503')}.`;
  let silent: Server;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    // A broker that takes the connection and never answers a request.
    silent = createServer((socket) => {
      sockets.push(socket);
      socket.on('error', () => undefined);
    });
    await new Promise<void>((done) => silent.listen(0, '127.0.0.1', () => done()));
  });

  afterAll(async () => {
    killAll();
    for (const s of sockets) s.destroy();
    silent.close();
  });

  async function expect503(collector: AppRun & { url: string }, timeoutMs: number) {
    const started = Date.now();
    const res = await fetch(`${collector.url}/v1/batch`, {
      method: 'POST',
      body: JSON.stringify(segmentBatch(3, uniqueId('m503'))),
      headers: { 'Content-Type': 'application/json' },
    });
    const waited = Date.now() - started;
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('5');
    expect(await res.json()).toMatchObject({
      error: { code: 'kafka_timeout', message: expect.stringContaining('retry') },
    });
    // The answer came from the produce timeout, not from a shortcut.
    expect(waited).toBeGreaterThanOrEqual(timeoutMs - 50);
  }

  it('answers 503 with Retry-After once the produce timeout passes, for a broker that never answers', async () => {
    const collector = await startCollector(
      serviceEnv({ KAFKA_BROKERS: `127.0.0.1:${(silent.address() as { port: number }).port}` }),
      `${prefix}silent`,
      false,
    );
    const health = await fetch(`${collector.url}/health`);
    expect(health.status).toBe(503);
    await expect503(collector, 10_000);
    // It did reach the listener, which never answered.
    expect(sockets.length).toBeGreaterThan(0);
    // Its log line was written before the answer; this process may read the pipe after.
    await waitFor(
      'the 503 log line',
      () => collector.logs().some((l) => l['msg'] === 'records not acknowledged; answered 503'),
      10_000,
    );
    collector.child.kill('SIGTERM');
    expect(await collector.exited).toEqual({ code: 0, signal: null });
  }, 60_000);
});
