import type { IncomingMessage } from 'node:http';
import { gunzip, inflate } from 'node:zlib';
import { promisify } from 'node:util';

const gunzipAsync = promisify(gunzip);
const inflateAsync = promisify(inflate);

export type Body =
  | { readonly ok: true; readonly text: string }
  | {
      readonly ok: false;
      readonly status: 400 | 413 | 415;
      readonly code: string;
      readonly message: string;
    };

function tooLarge(limit: number): Body {
  return {
    ok: false,
    status: 413,
    code: 'payload_too_large',
    message: `the body is larger than ${limit} bytes; send smaller batches`,
  };
}

/**
 * The request body as text, at most `limit` bytes on the wire and after decompression
 * (gzip or deflate, by Content-Encoding). A larger body is not read to its end.
 */
export async function readBody(req: IncomingMessage, limit: number): Promise<Body> {
  const encoding = (req.headers['content-encoding'] ?? 'identity').toLowerCase().trim();
  if (encoding !== 'identity' && encoding !== 'gzip' && encoding !== 'deflate')
    return {
      ok: false,
      status: 415,
      code: 'unsupported_encoding',
      message: `Content-Encoding ${encoding} is not supported; use gzip or none`,
    };
  const declared = Number(req.headers['content-length'] ?? Number.NaN);
  if (declared > limit) {
    req.resume();
    return tooLarge(limit);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  let over = false;
  await new Promise<void>((done, fail) => {
    req.on('data', (chunk: Buffer) => {
      if (over) return;
      size += chunk.length;
      if (size > limit) {
        over = true;
        chunks.length = 0;
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => done());
    req.on('error', fail);
    req.on('close', () => done());
  });
  if (over) return tooLarge(limit);
  let bytes = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
  if (encoding !== 'identity') {
    try {
      bytes = await (encoding === 'gzip' ? gunzipAsync : inflateAsync)(bytes, {
        maxOutputLength: limit,
      });
    } catch (err) {
      if ((err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') return tooLarge(limit);
      return {
        ok: false,
        status: 400,
        code: 'bad_encoding',
        message: `the body is not valid ${encoding}: ${(err as Error).message}`,
      };
    }
  }
  return { ok: true, text: bytes.toString('utf8') };
}
