export { ConfigError, CONFIG_ERROR_CODES, type ConfigErrorCode } from './config-error.js';
export {
  envInteger,
  envBoolean,
  commaList,
  envLogLevel,
  envTimeZone,
  envBrokers,
  LOG_LEVELS,
  type LogLevel,
} from './env-readers.js';
export { createAppLogger, REDACTED_PATHS, type AppLoggerOptions } from './app-logger.js';
export { kafkaLogCreator } from './kafka-log-creator.js';
export { createKafkaClient, watchConsumerCrashes } from './kafka-client.js';
export { framedSocketFactory, ResponseFramer } from './kafka/framed-socket.js';
export { ResponsePool, responsePool } from './kafka/response-pool.js';
export { readCommandLine } from './command-line.js';
export {
  KAFKA_COMPRESSIONS,
  compressionType,
  isKafkaCompression,
  recordsCompressor,
  recordsCompressorSync,
  registerKafkaCodecs,
  type KafkaCompression,
} from './kafka/kafka-codecs.js';
export {
  UNDECODABLE_HEADER,
  undecodableBatchOf,
  type UndecodableBatch,
} from './kafka/undecodable-batch.js';
export {
  KafkaProducer,
  ProduceError,
  type KafkaProducerOptions,
  type PartitionBatch,
  type TopicRecord,
} from './kafka/kafka-producer.js';
export { ConnectionError } from './kafka/broker-connection.js';
export { murmur2, partitionOf } from './kafka/kafka-wire.js';
export {
  encodeRecordRun,
  type EncodedRun,
  type RecordRun,
  type WireRecord,
} from './kafka/record-batch.js';
export {
  KafkaRecord,
  PACKED_STRIDE,
  PACKED_VALUE_AT,
  PackedRecords,
} from './kafka/record-batch-decoder.js';
