import kafkajs from 'kafkajs';

// kafkajs is CommonJS: Node's ESM loader sees its exports only through the default one.
const { CompressionCodecs, CompressionTypes } = kafkajs;
type CompressionTypes = kafkajs.CompressionTypes;

export const COMPRESSIONS = ['lz4', 'gzip', 'none'] as const;
export type Compression = (typeof COMPRESSIONS)[number];

interface Lz4 {
  compressFrame(data: Uint8Array): Promise<Buffer>;
  decompressFrame(data: Uint8Array): Promise<Buffer>;
}

/**
 * Registers kafkajs's LZ4 codec (the LZ4 frame format Kafka uses) backed by lz4-napi,
 * whose prebuilt binary ships inside its npm package. Returns false when that binary
 * cannot load on this platform; gzip, built into kafkajs, is the fallback.
 */
export async function registerLz4(): Promise<boolean> {
  let lz4: Lz4;
  try {
    lz4 = (await import('lz4-napi')) as unknown as Lz4;
    await lz4.decompressFrame(await lz4.compressFrame(Buffer.from('probe')));
  } catch {
    return false;
  }
  CompressionCodecs[CompressionTypes.LZ4] = () => ({
    compress: (encoder: { buffer: Buffer }) => lz4.compressFrame(encoder.buffer),
    decompress: (buffer: Buffer) => lz4.decompressFrame(buffer),
  });
  return true;
}

export function compressionType(compression: Compression): CompressionTypes {
  return compression === 'lz4'
    ? CompressionTypes.LZ4
    : compression === 'gzip'
      ? CompressionTypes.GZIP
      : CompressionTypes.None;
}
