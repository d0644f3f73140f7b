/**
 * The partition Kafka's default partitioner gives a keyed record: murmur2 of the key's
 * UTF-8 bytes, made positive, modulo the partition count. The same function as the Java
 * client's and kafkajs's DefaultPartitioner (whose own version works on 64-bit Long
 * objects and costs several allocations per key), in 32-bit integer arithmetic.
 */
export function partitionOf(key: string, partitions: number): number {
  return (murmur2(key) & 0x7fffffff) % partitions;
}

const M = 0x5bd1e995;
const SEED = 0x9747b28c;

/** murmur2 of the UTF-8 bytes of `key`, as a signed 32-bit integer. */
export function murmur2(key: string): number {
  for (let i = 0; i < key.length; i++) {
    if (key.charCodeAt(i) >= 0x80) return murmur2Bytes(Buffer.from(key, 'utf8'));
  }
  return hash(key.length, (i) => key.charCodeAt(i));
}

export function murmur2Bytes(data: Uint8Array): number {
  return hash(data.length, (i) => data[i]!);
}

function hash(length: number, byteAt: (i: number) => number): number {
  let h = SEED ^ length;
  const whole = length & ~3;
  for (let i = 0; i < whole; i += 4) {
    let k = byteAt(i) | (byteAt(i + 1) << 8) | (byteAt(i + 2) << 16) | (byteAt(i + 3) << 24);
    k = Math.imul(k, M);
    k ^= k >>> 24;
    k = Math.imul(k, M);
    h = Math.imul(h, M) ^ k;
  }
  // The last one to three bytes.
  const rest = length & 3;
  if (rest === 3) h ^= byteAt(whole + 2) << 16;
  if (rest >= 2) h ^= byteAt(whole + 1) << 8;
  if (rest >= 1) h = Math.imul(h ^ byteAt(whole), M);
  h ^= h >>> 13;
  h = Math.imul(h, M);
  h ^= h >>> 15;
  return h | 0;
}
