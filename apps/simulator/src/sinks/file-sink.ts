import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import type { Writable } from 'node:stream';
import { SimulatorError } from '../errors.js';
import type { EmittedRecord } from '../lib/generator/simulation.js';
import type { RecordSink } from './record-sink.js';

/** Characters gathered before one write: few syscalls, little memory. */
const CHUNK = 256 * 1024;

/** JSON Lines to a file or to stdout (`-`), one record value per line. */
export class FileSink implements RecordSink {
  private readonly stream: Writable;
  private readonly ownsStream: boolean;
  private buffer = '';
  private failure: Error | undefined;

  constructor(path: string) {
    this.ownsStream = path !== '-';
    this.stream = this.ownsStream ? createWriteStream(path) : process.stdout;
    this.stream.on('error', (err) => {
      this.failure = new SimulatorError(
        'OUTPUT',
        `cannot write ${path === '-' ? 'stdout' : path}: ${err.message}`,
        { cause: err },
      );
    });
  }

  accept(record: EmittedRecord): boolean {
    this.buffer += record.value + '\n';
    if (this.buffer.length < CHUNK) return true;
    return this.writeBuffer();
  }

  async drain(): Promise<void> {
    if (this.failure) throw this.failure;
    // events.once rejects on 'error', so a failing stream cannot leave this waiting.
    if (this.stream.writableNeedDrain) await once(this.stream, 'drain').catch(() => undefined);
    if (this.failure) throw this.failure;
  }

  async close(): Promise<void> {
    if (this.buffer.length > 0) this.writeBuffer();
    await this.drain();
    if (this.ownsStream) {
      await new Promise<void>((resolve, reject) =>
        this.stream.end((err?: Error | null) => (err ? reject(err) : resolve())),
      );
    }
    if (this.failure) throw this.failure;
  }

  private writeBuffer(): boolean {
    const chunk = this.buffer;
    this.buffer = '';
    return this.stream.write(chunk) && this.failure === undefined;
  }
}
