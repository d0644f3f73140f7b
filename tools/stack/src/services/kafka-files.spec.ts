import { kafkaPom, kafkaServerProperties } from './kafka-files.js';

function parse(properties: string): Map<string, string> {
  return new Map(
    properties
      .split('\n')
      .filter((line) => line && !line.startsWith('#'))
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)] as [string, string]),
  );
}

describe('kafkaServerProperties', () => {
  const props = parse(kafkaServerProperties({ host: '127.0.0.1', port: 19092, controllerPort: 19093, dataDir: '/x/data', partitions: 3 }));

  it('runs one KRaft node as broker and controller on the loopback only', () => {
    expect(props.get('process.roles')).toBe('broker,controller');
    expect(props.get('controller.quorum.voters')).toBe('1@127.0.0.1:19093');
    expect(props.get('listeners')).toBe('PLAINTEXT://127.0.0.1:19092,CONTROLLER://127.0.0.1:19093');
    expect(props.get('advertised.listeners')).toBe('PLAINTEXT://127.0.0.1:19092');
  });

  it('never creates topics implicitly', () => {
    expect(props.get('auto.create.topics.enable')).toBe('false');
  });
});

describe('kafkaPom', () => {
  it('asks Maven for the broker and the tools of one version', () => {
    const pom = kafkaPom('4.4.0');
    expect(pom).toContain('<artifactId>kafka_2.13</artifactId><version>4.4.0</version>');
    expect(pom).toContain('<artifactId>kafka-tools</artifactId><version>4.4.0</version>');
  });
});
