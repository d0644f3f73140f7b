import { spawn } from 'node:child_process';
import { kafkaTool } from '../stack.js';
import { integrationEnv } from './integration-env.js';

export interface ConsoleProduceOptions {
  /** none, gzip, snappy, lz4 or zstd, as Kafka's own producer names them. */
  readonly compression: string;
  /** Records per batch; the default sends everything in as few batches as it can. */
  readonly batchSize?: number;
}

/**
 * Produces records with Kafka's own console producer (the Java client), one per line of
 * `values`, each keyed by `key\t`: what a non-kafkajs producer puts on the wire. Lines
 * cannot hold CR or LF (the tool splits records on them).
 */
export async function consoleProduce(
  topic: string,
  records: readonly { readonly key: string; readonly value: string }[],
  options: ConsoleProduceOptions,
): Promise<void> {
  for (const r of records) {
    if (/[\r\n\t]/.test(r.key) || /[\r\n]/.test(r.value))
      throw new Error('the console producer cannot send CR or LF in a value, or a tab in a key');
  }
  const { command, args } = await kafkaTool('org.apache.kafka.tools.ConsoleProducer', [
    '--bootstrap-server',
    integrationEnv().kafkaBrokers.join(','),
    '--topic',
    topic,
    '--compression-codec',
    options.compression,
    '--producer-property',
    'linger.ms=50',
    '--producer-property',
    `batch.size=${options.batchSize ?? 1_048_576}`,
    '--property',
    'parse.key=true',
    '--property',
    'key.separator=\t',
  ]);
  await new Promise<void>((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['pipe', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0
        ? resolve()
        : reject(new Error(`ConsoleProducer exited with ${code}: ${stderr.slice(-2000)}`)),
    );
    child.stdin.end(records.map((r) => `${r.key}\t${r.value}\n`).join(''));
  });
}
