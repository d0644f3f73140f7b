export { ConfigError } from './config-error.js';
export { envInteger, envBoolean, commaList } from './env-readers.js';
export { kafkaLogCreator } from './kafka-log-creator.js';
export { createKafkaClient, watchConsumerCrashes } from './kafka-client.js';
export { readCommandLine } from './command-line.js';
export {
  KAFKA_COMPRESSIONS,
  compressionType,
  isKafkaCompression,
  registerKafkaCodecs,
  type KafkaCompression,
} from './kafka/kafka-codecs.js';
export {
  UNDECODABLE_HEADER,
  undecodableBatchOf,
  type UndecodableBatch,
} from './kafka/undecodable-batch.js';
