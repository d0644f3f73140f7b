import type { ObjectStore } from '@shoplens/storage';
import { writeQuarantineFile, writeRawFile } from '@shoplens/storage';
import type { OpenFile } from './open-file.js';

/** Writes a sealed file to its deterministic key; returns the key. */
export async function writeFile(
  store: ObjectStore,
  file: OpenFile,
  gzipLevel: number,
): Promise<string> {
  const id = {
    topic: file.topic,
    partition: file.partition,
    startOffset: String(file.startOffset),
  };
  if (file.zone === 'raw')
    // Each chunk is whole lines joined by `\n`; writeRawFile ends each with one.
    return writeRawFile(store, { ...id, hourMs: file.bucketMs }, file.lines.seal(), gzipLevel);
  return writeQuarantineFile(store, { ...id, arrivalMs: file.bucketMs }, file.quarantined);
}
