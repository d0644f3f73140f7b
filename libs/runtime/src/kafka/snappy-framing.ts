/**
 * Kafka's Java client writes snappy in xerial's framing: a 16-byte header (magic, version,
 * compatible version) and then blocks, each a big-endian int32 length and a raw snappy
 * block. librdkafka and kafkajs-style producers may send one raw snappy block instead.
 */
const MAGIC = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00]);
const HEADER_BYTES = 16;
const BLOCK_BYTES = 32 * 1024;

export function isXerialFramed(buffer: Buffer): boolean {
  return buffer.length >= HEADER_BYTES && buffer.subarray(0, MAGIC.length).equals(MAGIC);
}

export async function xerialUnframe(
  buffer: Buffer,
  uncompress: (block: Buffer) => Promise<Buffer>,
): Promise<Buffer> {
  if (!isXerialFramed(buffer)) return uncompress(buffer);
  const blocks: Buffer[] = [];
  let at = HEADER_BYTES;
  while (at < buffer.length) {
    if (at + 4 > buffer.length) throw new Error('truncated xerial snappy block length');
    const length = buffer.readInt32BE(at);
    at += 4;
    if (length < 0 || at + length > buffer.length)
      throw new Error(`xerial snappy block of ${length} bytes overruns the batch`);
    blocks.push(await uncompress(buffer.subarray(at, at + length)));
    at += length;
  }
  return Buffer.concat(blocks);
}

export async function xerialFrame(
  data: Buffer,
  compress: (block: Buffer) => Promise<Buffer>,
): Promise<Buffer> {
  const header = Buffer.alloc(HEADER_BYTES);
  MAGIC.copy(header);
  header.writeInt32BE(1, 8);
  header.writeInt32BE(1, 12);
  const parts: Buffer[] = [header];
  for (let at = 0; at < data.length; at += BLOCK_BYTES) {
    const block = await compress(data.subarray(at, at + BLOCK_BYTES));
    const length = Buffer.alloc(4);
    length.writeInt32BE(block.length);
    parts.push(length, block);
  }
  return Buffer.concat(parts);
}
