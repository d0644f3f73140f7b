import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestPrefix, integrationEnv } from '@shoplens/stack/testing';
import { createLocalObjectStore } from './local-object-store.js';
import { describeObjectStoreContract } from './object-store.spec-suite.js';
import { createS3ObjectStore } from './s3-object-store.js';

const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

describeObjectStoreContract({
  name: 'local filesystem (temp dir)',
  async open() {
    const dir = await mkdtemp(join(tmpdir(), 'shoplens-store-'));
    dirs.push(dir);
    return createLocalObjectStore({ root: dir });
  },
  largeObjectBytes: 20 * 1024 * 1024,
});

describeObjectStoreContract({
  name: 'S3 (tools/stack server)',
  async open() {
    const env = integrationEnv();
    const prefix = createTestPrefix('store');
    // Multipart from 6 MiB so the 20 MiB object goes up in parts.
    return createS3ObjectStore({
      bucket: env.bucket,
      prefix: prefix.prefix,
      endpoint: env.s3Endpoint,
      region: env.s3Region,
      multipartThreshold: 6 * 1024 * 1024,
      partSize: 5 * 1024 * 1024,
    });
  },
  largeObjectBytes: 20 * 1024 * 1024,
});

describe('local filesystem store', () => {
  it('leaves no temporary file behind and keeps the S3 key layout as paths', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'shoplens-store-'));
    dirs.push(dir);
    const store = createLocalObjectStore({ root: dir });
    await store.put(
      'raw/topic=orders/dt=2026-03-01/hour=09/orders+0+1.jsonl.gz',
      new Uint8Array([1, 2, 3]),
    );
    expect(await readdir(join(dir, 'raw', 'topic=orders', 'dt=2026-03-01', 'hour=09'))).toEqual([
      'orders+0+1.jsonl.gz',
    ]);
  });
});

describe('S3 store', () => {
  it('gives up on an unreachable endpoint with a retriable STORE_UNAVAILABLE', async () => {
    const store = createS3ObjectStore({
      bucket: 'shoplens',
      endpoint: 'http://127.0.0.1:9',
      region: 'us-east-1',
      maxAttempts: 2,
      credentials: { accessKeyId: 'x', secretAccessKey: 'y' },
    });
    await expect(store.put('a', new Uint8Array([1]))).rejects.toMatchObject({
      code: 'STORE_UNAVAILABLE',
      retriable: true,
    });
    await store.close();
  });
});
