import { createRequire } from 'node:module';
import kafkajs from 'kafkajs';
import { guardDecompress } from './undecodable-batch.js';
import { xerialFrame, xerialUnframe } from './snappy-framing.js';

// kafkajs is CommonJS: Node's ESM loader sees its exports only through the default one.
const { CompressionCodecs, CompressionTypes } = kafkajs;
type CompressionTypes = kafkajs.CompressionTypes;

/** The compressions Kafka defines; every producer and consumer of ours speaks all of them. */
export const KAFKA_COMPRESSIONS = ['none', 'gzip', 'snappy', 'lz4', 'zstd'] as const;
export type KafkaCompression = (typeof KAFKA_COMPRESSIONS)[number];

interface Codec {
  compress(encoder: { buffer: Buffer }): Promise<Buffer>;
  decompress(buffer: Buffer): Promise<Buffer>;
}

interface Lz4Module {
  compressFrame(data: Buffer): Promise<Buffer>;
  compressFrameSync(data: Buffer): Buffer;
  decompressFrame(data: Buffer): Promise<Buffer>;
}
interface SnappyModule {
  compress(data: Buffer): Promise<Buffer>;
  uncompress(data: Buffer): Promise<Buffer | string>;
}
interface ZstdModule {
  Encoder: new (level: number) => { encode(data: Buffer): Promise<Buffer> };
  Decoder: new () => { decode(data: Buffer): Promise<Buffer> };
}

const require = createRequire(import.meta.url);

/** Kafka's own default level for zstd (3) is also the library's. */
const ZSTD_LEVEL = 3;

/**
 * The native codecs are prebuilt binaries shipped as npm packages (lz4-napi, snappy and
 * @toondepauw/node-zstd, each with a package per platform): nothing is compiled or
 * downloaded at install time. Loaded lazily so a platform without one loses only that codec.
 */
const loaders: Readonly<Record<'snappy' | 'lz4' | 'zstd', () => Codec>> = {
  lz4: () => {
    const lz4 = require('lz4-napi') as Lz4Module;
    return {
      compress: (encoder) => lz4.compressFrame(encoder.buffer),
      decompress: (buffer) => lz4.decompressFrame(buffer),
    };
  },
  snappy: () => {
    const snappy = require('snappy') as SnappyModule;
    const uncompress = async (block: Buffer) => Buffer.from(await snappy.uncompress(block));
    return {
      // The Java client frames snappy the xerial way and reads both forms; so does librdkafka.
      compress: async (encoder) => xerialFrame(encoder.buffer, (b) => snappy.compress(b)),
      decompress: (buffer) => xerialUnframe(buffer, uncompress),
    };
  },
  zstd: () => {
    const zstd = require('@toondepauw/node-zstd') as ZstdModule;
    const encoder = new zstd.Encoder(ZSTD_LEVEL);
    const decoder = new zstd.Decoder();
    return {
      compress: (e) => encoder.encode(e.buffer),
      decompress: (buffer) => decoder.decode(buffer),
    };
  },
};

const TYPE_OF = {
  snappy: CompressionTypes.Snappy,
  lz4: CompressionTypes.LZ4,
  zstd: CompressionTypes.ZSTD,
} as const;

/** Attribute values Kafka leaves undefined; a batch marked so is reported, not decoded. */
const UNDEFINED_TYPES = [5, 6, 7] as const;

let registered: Readonly<Record<KafkaCompression, boolean>> | undefined;

/**
 * Registers snappy, lz4 and zstd with kafkajs (gzip is built in), once per process; every
 * Kafka client of ours calls it. A batch that cannot be decompressed (corrupt bytes, a
 * codec whose binary did not load, an undefined codec id) no longer fails the whole
 * fetch: it reaches the consumer as marked records (see `undecodableBatchOf`).
 * Returns which codecs this process can use.
 */
export function registerKafkaCodecs(): Readonly<Record<KafkaCompression, boolean>> {
  if (registered) return registered;
  const available: Record<KafkaCompression, boolean> = {
    none: true,
    gzip: true,
    snappy: false,
    lz4: false,
    zstd: false,
  };
  const codecs = CompressionCodecs as unknown as Record<number, () => Codec>;
  const gzip = codecs[CompressionTypes.GZIP]!();
  const guardedGzip: Codec = {
    compress: (e) => gzip.compress(e),
    decompress: guardDecompress(CompressionTypes.GZIP, 'gzip', (b) => gzip.decompress(b)),
  };
  codecs[CompressionTypes.GZIP] = () => guardedGzip;
  for (const name of ['snappy', 'lz4', 'zstd'] as const) {
    const type = TYPE_OF[name];
    let codec: Codec | undefined;
    let loadError: unknown;
    try {
      codec = loaders[name]();
      available[name] = true;
    } catch (err) {
      loadError = err;
    }
    const decompress = codec
      ? codec.decompress
      : () => Promise.reject(new Error(`the ${name} codec cannot load here: ${String(loadError)}`));
    const guarded: Codec = {
      compress: codec
        ? codec.compress
        : () => Promise.reject(new Error(`cannot compress with ${name}: ${String(loadError)}`)),
      decompress: guardDecompress(type, name, decompress),
    };
    codecs[type] = () => guarded;
  }
  for (const type of UNDEFINED_TYPES) {
    const undefinedCodec: Codec = {
      compress: () => Promise.reject(new Error(`compression type ${type} is not defined`)),
      decompress: guardDecompress(type, `codec ${type}`, () =>
        Promise.reject(new Error(`compression type ${type} is not defined by Kafka`)),
      ),
    };
    codecs[type] = () => undefinedCodec;
  }
  registered = Object.freeze(available);
  return registered;
}

/** The kafkajs compression type of a name. */
export function compressionType(compression: KafkaCompression): CompressionTypes {
  switch (compression) {
    case 'none':
      return CompressionTypes.None;
    case 'gzip':
      return CompressionTypes.GZIP;
    case 'snappy':
      return CompressionTypes.Snappy;
    case 'lz4':
      return CompressionTypes.LZ4;
    case 'zstd':
      return CompressionTypes.ZSTD;
  }
}

/**
 * The compressor of a records section for our own producer (KafkaProducer's `compress`),
 * through the codecs registered with kafkajs.
 */
export function recordsCompressor(
  compression: KafkaCompression,
): (records: Buffer) => Promise<Buffer> {
  const type = compressionType(compression);
  if (type === CompressionTypes.None) return (records) => Promise.resolve(records);
  registerKafkaCodecs();
  const codecs = CompressionCodecs as unknown as Record<number, () => Codec>;
  const codec = codecs[type]!();
  return (records) => codec.compress({ buffer: records });
}

/**
 * As recordsCompressor, but lz4 compresses on the calling thread (lz4-napi's
 * compressFrameSync): for sections of a few KB, as one HTTP request's records are, the
 * hop to the thread pool and back costs more than the compression itself. The other
 * codecs (and lz4 where its binary does not load) are recordsCompressor's.
 */
export function recordsCompressorSync(
  compression: KafkaCompression,
): (records: Buffer) => Buffer | Promise<Buffer> {
  if (compression !== 'lz4') return recordsCompressor(compression);
  let lz4: Lz4Module;
  try {
    lz4 = require('lz4-napi') as Lz4Module;
  } catch {
    return recordsCompressor(compression);
  }
  return (records) => lz4.compressFrameSync(records);
}

export function isKafkaCompression(value: string): value is KafkaCompression {
  return (KAFKA_COMPRESSIONS as readonly string[]).includes(value);
}
