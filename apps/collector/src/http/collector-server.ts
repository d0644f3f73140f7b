import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { isShoplensError } from '@shoplens/schemas';
import type { Intake } from '../intake/intake.js';
import { nativeRequest } from '../intake/native-request.js';
import { segmentRequest, type SegmentEndpoint } from '../intake/segment-request.js';
import type { Publisher } from '../publish/publisher.js';
import { SessionClock } from '../session/session-clock.js';
import type { CollectorStats } from '../stats.js';
import { TRACKER_SCRIPT } from '../tracker/tracker-script.js';
import { readBody } from './read-body.js';
import { basicUser } from './write-key.js';

export interface CollectorServerOptions {
  readonly publisher: Publisher;
  readonly stats: CollectorStats;
  readonly writeKeys: readonly string[];
  readonly corsOrigins: readonly string[];
  readonly maxBodyBytes: number;
  readonly retryAfterS: number;
  readonly logger: Logger;
  readonly now?: () => number;
}

const SEGMENT_PATHS: Readonly<Record<string, SegmentEndpoint>> = {
  '/v1/batch': 'batch',
  '/v1/track': 'track',
  '/v1/page': 'page',
};
const JSON_TYPES = new Set(['application/json', 'text/plain']);
const NDJSON_TYPES = new Set([
  'application/x-ndjson',
  'application/jsonl',
  'application/jsonlines',
]);

function mediaType(req: IncomingMessage): string {
  return (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
}

/**
 * The collector's HTTP server: the native and Segment endpoints, /shoplens.js and
 * /health. Every answer is JSON; errors are `{"error": {"code", "message"}}`.
 */
export function createCollectorServer(options: CollectorServerOptions): Server {
  const { publisher, stats, logger } = options;
  const now = options.now ?? Date.now;
  const keys = new Set(options.writeKeys);
  const anyOrigin = options.corsOrigins.includes('*');
  const origins = new Set(options.corsOrigins);
  const sessions = new SessionClock();
  const log = logger.child({ component: 'http' });

  function send(
    res: ServerResponse,
    status: number,
    body: unknown,
    headers: Record<string, string> = {},
  ): void {
    stats.responses[status] = (stats.responses[status] ?? 0) + 1;
    const text = JSON.stringify(body);
    res.writeHead(status, {
      'Content-Type': 'application/json; charset=utf-8',
      'Content-Length': Buffer.byteLength(text),
      ...headers,
    });
    res.end(text);
  }
  function fail(
    res: ServerResponse,
    status: number,
    code: string,
    message: string,
    headers?: Record<string, string>,
  ): void {
    send(res, status, { error: { code, message } }, headers);
  }
  function unauthorized(res: ServerResponse, message: string): void {
    fail(res, 401, 'unauthorized', message, {
      'WWW-Authenticate': 'Basic realm="shoplens collector"',
    });
  }

  /** CORS headers for an allowed Origin; false when the Origin is not allowed. */
  function cors(req: IncomingMessage, res: ServerResponse): boolean {
    const origin = req.headers.origin;
    if (origin === undefined) return true;
    if (!anyOrigin && !origins.has(origin)) return false;
    res.setHeader('Access-Control-Allow-Origin', anyOrigin ? '*' : origin);
    if (!anyOrigin) res.setHeader('Vary', 'Origin');
    return true;
  }

  function count(intake: Intake): void {
    stats.accepted += intake.accepted;
    for (const r of intake.rejected) {
      if (r.quarantined) stats.quarantined++;
      else stats.rejected++;
      stats.rejectedByReason[r.reason] = (stats.rejectedByReason[r.reason] ?? 0) + 1;
    }
    for (const i of intake.ignored) {
      stats.ignored++;
      stats.ignoredByReason[i.reason] = (stats.ignoredByReason[i.reason] ?? 0) + 1;
    }
  }

  async function collect(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    const receivedAtMs = now();
    const segment = SEGMENT_PATHS[path];
    const type = mediaType(req);
    const ndjson = segment === undefined && NDJSON_TYPES.has(type);
    if (!JSON_TYPES.has(type) && !ndjson) {
      req.resume();
      return fail(
        res,
        415,
        'unsupported_media_type',
        `Content-Type ${JSON.stringify(type || 'none')} is not accepted; send application/json` +
          (segment === undefined
            ? ' (an array of events) or application/x-ndjson'
            : ' or text/plain'),
      );
    }
    const headerKey = basicUser(req.headers);
    if (keys.size > 0 && headerKey !== undefined && !keys.has(headerKey)) {
      req.resume();
      return unauthorized(res, "the write key is not one of this collector's");
    }
    if (keys.size > 0 && headerKey === undefined && segment === undefined) {
      req.resume();
      return unauthorized(
        res,
        'a write key is required: HTTP Basic auth with the key as user name',
      );
    }
    const body = await readBody(req, options.maxBodyBytes);
    if (!body.ok) return fail(res, body.status, body.code, body.message);

    let intake: Intake;
    if (segment === undefined) {
      const parsed = nativeRequest(body.text, ndjson, receivedAtMs);
      if (!parsed.ok) return fail(res, 400, 'bad_request', parsed.message);
      intake = parsed.intake;
    } else {
      let json: unknown;
      try {
        json = JSON.parse(body.text);
      } catch (err) {
        return fail(res, 400, 'bad_request', `malformed JSON: ${(err as Error).message}`);
      }
      if (keys.size > 0 && headerKey === undefined) {
        const bodyKey =
          json !== null && typeof json === 'object'
            ? (json as Record<string, unknown>)['writeKey']
            : undefined;
        if (typeof bodyKey !== 'string' || !keys.has(bodyKey))
          return unauthorized(
            res,
            bodyKey === undefined
              ? 'a write key is required: HTTP Basic auth with the key as user name, or "writeKey" in the body'
              : "the write key is not one of this collector's",
          );
      }
      const parsed = segmentRequest(json, segment, receivedAtMs, sessions);
      if (!parsed.ok) return fail(res, 400, 'bad_request', parsed.message);
      intake = parsed.intake;
    }
    try {
      await publisher.publish(intake.records);
    } catch (err) {
      if (!isShoplensError(err)) throw err;
      log.warn({ err, records: intake.records.length }, 'records not acknowledged; answered 503');
      return fail(res, 503, err.code, `${err.message}; retry the same request later`, {
        'Retry-After': String(options.retryAfterS),
      });
    }
    count(intake);
    send(res, 200, {
      success: true,
      accepted: intake.accepted,
      rejected: intake.rejected,
      ignored: intake.ignored,
    });
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0]!;
    if (!cors(req, res)) {
      req.resume();
      return fail(
        res,
        403,
        'origin_not_allowed',
        `origin ${req.headers.origin} may not send events here`,
      );
    }
    if (req.method === 'OPTIONS') {
      res.writeHead(204, {
        'Access-Control-Allow-Methods': 'POST, GET, OPTIONS',
        'Access-Control-Allow-Headers': 'Content-Type, Content-Encoding, Authorization',
        'Access-Control-Max-Age': '86400',
      });
      res.end();
      return;
    }
    if (path === '/shoplens.js' && (req.method === 'GET' || req.method === 'HEAD')) {
      res.writeHead(200, {
        'Content-Type': 'text/javascript; charset=utf-8',
        'Content-Length': Buffer.byteLength(TRACKER_SCRIPT),
        'Cache-Control': 'public, max-age=300',
      });
      res.end(req.method === 'HEAD' ? undefined : TRACKER_SCRIPT);
      return;
    }
    if (path === '/health' && req.method === 'GET') {
      const up = publisher.isConnected;
      return send(res, up ? 200 : 503, {
        status: up ? 'ok' : 'unavailable',
        kafka: up ? 'connected' : 'connecting',
        produced: publisher.produced,
        ...stats.snapshot(),
      });
    }
    if (path === '/v1/events' || SEGMENT_PATHS[path] !== undefined) {
      if (req.method !== 'POST') {
        req.resume();
        return fail(res, 405, 'method_not_allowed', `${path} takes POST`, {
          Allow: 'POST, OPTIONS',
        });
      }
      stats.requests++;
      return collect(req, res, path);
    }
    req.resume();
    fail(res, 404, 'not_found', `no ${req.method} ${path}; see docs/collector.md`);
  }

  return createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      log.error({ err }, 'request failed');
      if (!res.headersSent) fail(res, 500, 'internal', 'the collector failed on this request');
      else res.destroy();
    });
  });
}
