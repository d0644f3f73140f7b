import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { StorageError } from '../errors.js';

export type LakeLocation =
  | { readonly kind: 's3'; readonly bucket: string; readonly prefix: string }
  | { readonly kind: 'local'; readonly root: string };

// S3 bucket names: 3–63 of lower-case letters, digits, dots and hyphens.
const BUCKET_PATTERN = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/**
 * Parses LAKE_URL: `s3://bucket/prefix`, a `file://` URL or a plain directory path
 * (relative paths resolve against `cwd`).
 */
export function parseLakeUrl(url: string, cwd: string = process.cwd()): LakeLocation {
  const text = url.trim();
  if (text === '') throw new StorageError('BAD_LAKE_URL', 'the lake URL is empty');
  if (/^s3:\/\//i.test(text)) {
    const rest = text.slice('s3://'.length);
    const slash = rest.indexOf('/');
    const bucket = slash < 0 ? rest : rest.slice(0, slash);
    const prefix = (slash < 0 ? '' : rest.slice(slash + 1)).replace(/^\/+|\/+$/g, '');
    if (!BUCKET_PATTERN.test(bucket))
      throw new StorageError('BAD_LAKE_URL', `"${bucket}" is not an S3 bucket name in ${url}`);
    if (prefix.split('/').some((part) => part === '.' || part === '..') || prefix.includes('//')) {
      throw new StorageError(
        'BAD_LAKE_URL',
        `the prefix of ${url} has an empty, "." or ".." segment`,
      );
    }
    return Object.freeze({ kind: 's3', bucket, prefix });
  }
  if (/^file:/i.test(text)) {
    try {
      return Object.freeze({ kind: 'local', root: fileURLToPath(text) });
    } catch (error) {
      throw new StorageError('BAD_LAKE_URL', `${url} is not a usable file:// URL`, {
        cause: error,
      });
    }
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) {
    throw new StorageError(
      'BAD_LAKE_URL',
      `unsupported lake URL scheme in ${url}: use s3://bucket/prefix, file:///dir or a path`,
    );
  }
  return Object.freeze({ kind: 'local', root: resolve(cwd, text) });
}
