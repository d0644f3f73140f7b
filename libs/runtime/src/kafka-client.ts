import { Kafka, logLevel, type Consumer } from 'kafkajs';
import type { Logger } from 'pino';
import { kafkaLogCreator } from './kafka-log-creator.js';
import { registerKafkaCodecs } from './kafka/kafka-codecs.js';
import { framedSocketFactory } from './kafka/framed-socket.js';

/**
 * A kafkajs client as every shoplens consumer wants it: its logs in pino, retries
 * patient enough (about two minutes) to ride out a broker restart, every codec Kafka
 * defines registered, and responses read whole through one buffer per connection
 * (framedSocketFactory).
 */
export function createKafkaClient(options: {
  readonly clientId: string;
  readonly brokers: readonly string[];
  readonly logger: Logger;
}): Kafka {
  registerKafkaCodecs();
  return new Kafka({
    clientId: options.clientId,
    brokers: [...options.brokers],
    logLevel: logLevel.WARN,
    logCreator: kafkaLogCreator(options.logger),
    retry: { retries: 30, initialRetryTime: 300, maxRetryTime: 5_000 },
    socketFactory: framedSocketFactory(),
  });
}

/** Logs consumer crashes; `onFatal` runs when kafkajs gives up restarting the consumer. */
export function watchConsumerCrashes(consumer: Consumer, log: Logger, onFatal: () => void): void {
  consumer.on(consumer.events.CRASH, (event) => {
    const { error, restart } = event.payload as { error: Error; restart: boolean };
    log.error(
      { err: error, restart },
      restart ? 'consumer crashed; kafkajs restarts it' : 'consumer crashed for good',
    );
    if (!restart) onFatal();
  });
}
