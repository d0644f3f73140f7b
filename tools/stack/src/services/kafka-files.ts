export interface KafkaServerOptions {
  readonly host: string;
  readonly port: number;
  readonly controllerPort: number;
  readonly dataDir: string;
  readonly partitions: number;
}

/** A single node that is both broker and controller (KRaft, no ZooKeeper). */
export function kafkaServerProperties(options: KafkaServerOptions): string {
  const lines = [
    'process.roles=broker,controller',
    'node.id=1',
    `controller.quorum.voters=1@${options.host}:${options.controllerPort}`,
    `listeners=PLAINTEXT://${options.host}:${options.port},CONTROLLER://${options.host}:${options.controllerPort}`,
    `advertised.listeners=PLAINTEXT://${options.host}:${options.port}`,
    'controller.listener.names=CONTROLLER',
    'inter.broker.listener.name=PLAINTEXT',
    'listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    `log.dirs=${options.dataDir}`,
    `num.partitions=${options.partitions}`,
    // Topics are created on purpose (by `up` or a test), never by a typo in a producer.
    'auto.create.topics.enable=false',
    // One node: internal topics cannot have more replicas than that.
    'offsets.topic.replication.factor=1',
    'transaction.state.log.replication.factor=1',
    'transaction.state.log.min.isr=1',
    'share.coordinator.state.topic.replication.factor=1',
    'share.coordinator.state.topic.min.isr=1',
    // Tests start consumer groups constantly; waiting 3 s before each first rebalance adds up.
    'group.initial.rebalance.delay.ms=0',
    // Simulated events carry their own times (a week in March, say) as record timestamps;
    // time-based retention would delete them minutes after they are produced, between a
    // test's writing and its reading back. Tests delete their topics; nothing expires.
    'log.retention.ms=-1',
  ];
  return `${lines.join('\n')}\n`;
}

/** Log to stderr so tools run through `kafka-class` keep a clean stdout for their results. */
export function kafkaLog4jProperties(): string {
  const lines = [
    'rootLogger.level=INFO',
    'rootLogger.appenderRef.stderr.ref=STDERR',
    'appender.stderr.type=Console',
    'appender.stderr.name=STDERR',
    'appender.stderr.target=SYSTEM_ERR',
    'appender.stderr.layout.type=PatternLayout',
    'appender.stderr.layout.pattern=[%d] %p %m (%c)%n',
    // The config dumps and per-request chatter drown the lines that matter.
    'logger.config.name=org.apache.kafka.common.config.AbstractConfig',
    'logger.config.level=WARN',
    'logger.clients.name=org.apache.kafka.clients',
    'logger.clients.level=WARN',
    'logger.common.name=org.apache.kafka.common',
    'logger.common.level=WARN',
  ];
  return `${lines.join('\n')}\n`;
}

/** A pom whose only job is to let Maven resolve the broker and tools with their runtime deps. */
export function kafkaPom(version: string): string {
  const dependency = (groupId: string, artifactId: string, v: string) =>
    `    <dependency><groupId>${groupId}</groupId><artifactId>${artifactId}</artifactId><version>${v}</version></dependency>`;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<project xmlns="http://maven.apache.org/POM/4.0.0">',
    '  <modelVersion>4.0.0</modelVersion>',
    '  <groupId>dev.shoplens.stack</groupId>',
    '  <artifactId>kafka-runtime</artifactId>',
    `  <version>${version}</version>`,
    '  <packaging>pom</packaging>',
    '  <dependencies>',
    dependency('org.apache.kafka', 'kafka_2.13', version),
    dependency('org.apache.kafka', 'kafka-tools', version),
    // The broker logs through SLF4J 1.x; without a binding it would log nothing at all.
    dependency('org.apache.logging.log4j', 'log4j-slf4j-impl', '2.25.5'),
    '  </dependencies>',
    '</project>',
    '',
  ].join('\n');
}
