export { ConfigError } from './config-error.js';
export { envInteger, envBoolean, commaList } from './env-readers.js';
export { kafkaLogCreator } from './kafka-log-creator.js';
