import {
  createS3ObjectStore,
  listAll,
  readQuarantineFile,
  readRawFile,
  type ObjectStore,
} from '@shoplens/storage';
import { integrationEnv, type TestPrefix } from '@shoplens/stack/testing';

export interface QuarantinedRecord {
  readonly key: string;
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly reason: string;
  readonly value: Buffer;
}

export interface LakeContents {
  /** Raw lines, in the order read, as bytes. */
  readonly raw: Buffer[];
  readonly rawKeys: string[];
  readonly quarantine: QuarantinedRecord[];
}

/** The object store of a test's lake prefix, as LAKE_URL names it for the apps. */
export function testLake(prefix: TestPrefix): { url: string; store: ObjectStore } {
  const env = integrationEnv();
  const url = `s3://${prefix.bucket}/${prefix.prefix.replace(/\/$/, '')}`;
  const store = createS3ObjectStore({
    bucket: prefix.bucket,
    prefix: prefix.prefix.replace(/\/$/, ''),
    endpoint: env.s3Endpoint,
    region: env.s3Region,
  });
  return { url, store };
}

/** Everything in the raw zone and the quarantine. */
export async function readLake(store: ObjectStore): Promise<LakeContents> {
  const raw: Buffer[] = [];
  const rawKeys: string[] = [];
  for await (const object of listAll(store, 'raw/')) {
    rawKeys.push(object.key);
    for await (const line of readRawFile(store, object.key)) raw.push(Buffer.from(line));
  }
  const quarantine: QuarantinedRecord[] = [];
  for await (const object of listAll(store, 'quarantine/')) {
    for await (const r of readQuarantineFile(store, object.key)) {
      quarantine.push({
        key: object.key,
        topic: r.topic,
        partition: r.partition,
        offset: r.offset,
        reason: r.reason,
        value: Buffer.from(r.value),
      });
    }
  }
  return { raw, rawKeys, quarantine };
}
