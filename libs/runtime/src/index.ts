export { ConfigError } from './config-error.js';
export { envInteger, envBoolean, commaList } from './env-readers.js';
export { kafkaLogCreator } from './kafka-log-creator.js';
export { createKafkaClient, watchConsumerCrashes } from './kafka-client.js';
export { readCommandLine } from './command-line.js';
