import { connect, type Socket } from 'node:net';
import { WireReader, WireWriter } from './kafka-wire.js';

/** Why a request got no answer: the connection failed or the broker took too long. */
export class ConnectionError extends Error {
  override readonly name = 'ConnectionError';
}

interface Pending {
  readonly resolve: (body: WireReader) => void;
  readonly reject: (err: Error) => void;
  readonly timer: NodeJS.Timeout;
}

/**
 * One TCP connection to a broker: size-prefixed requests (header v1: api key, version,
 * correlation id, client id) and their responses matched by correlation id. Connects on
 * first use; once it fails (socket error, close, a request past its timeout) every
 * request in flight is rejected and the connection is done: the owner opens a new one.
 */
export class BrokerConnection {
  private socket: Socket | undefined;
  private ready: Promise<void> | undefined;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private chunks: Buffer[] = [];
  private buffered = 0;
  private failure: Error | undefined;

  constructor(
    readonly host: string,
    readonly port: number,
    private readonly clientId: string,
    private readonly timeoutMs: number,
  ) {}

  get failed(): boolean {
    return this.failure !== undefined;
  }

  /**
   * Sends a request whose body is `body` (parts written one after the other, not copied)
   * and resolves with a reader over the response body, after the correlation id.
   */
  async request(apiKey: number, version: number, body: readonly Buffer[]): Promise<WireReader> {
    await this.open();
    if (this.failure) throw this.failure;
    const id = this.nextId;
    this.nextId = (this.nextId + 1) & 0x7fffffff;
    const header = new WireWriter(64)
      .int32(0)
      .int16(apiKey)
      .int16(version)
      .int32(id)
      .string(this.clientId)
      .bytes();
    let size = header.length - 4;
    for (const part of body) size += part.length;
    header.writeInt32BE(size, 0);
    const socket = this.socket!;
    const answer = new Promise<WireReader>((resolve, reject) => {
      const timer = setTimeout(
        () =>
          this.fail(
            new ConnectionError(
              `${this.host}:${this.port} did not answer within ${this.timeoutMs} ms`,
            ),
          ),
        this.timeoutMs,
      );
      this.pending.set(id, { resolve, reject, timer });
    });
    socket.cork();
    socket.write(header);
    for (const part of body) if (part.length > 0) socket.write(part);
    socket.uncork();
    return answer;
  }

  close(): void {
    this.fail(new ConnectionError('connection closed'));
  }

  private open(): Promise<void> {
    this.ready ??= new Promise<void>((done) => {
      const socket = connect({ host: this.host, port: this.port, noDelay: true });
      this.socket = socket;
      const timer = setTimeout(
        () =>
          this.fail(
            new ConnectionError(
              `cannot connect to ${this.host}:${this.port} within ${this.timeoutMs} ms`,
            ),
          ),
        this.timeoutMs,
      );
      socket.once('connect', () => {
        clearTimeout(timer);
        done();
      });
      socket.on('data', (chunk: Buffer) => this.receive(chunk));
      socket.on('error', (err) =>
        this.fail(new ConnectionError(`${this.host}:${this.port}: ${err.message}`)),
      );
      socket.on('close', () => {
        clearTimeout(timer);
        this.fail(new ConnectionError(`${this.host}:${this.port} closed the connection`));
        done();
      });
    });
    return this.ready;
  }

  private receive(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    while (this.buffered >= 4) {
      let head = this.chunks[0]!;
      if (head.length < 4) head = this.join();
      const size = head.readInt32BE(0);
      if (this.buffered < 4 + size) return;
      if (head.length < 4 + size) head = this.join();
      const frame = head.subarray(4, 4 + size);
      const rest = head.subarray(4 + size);
      this.chunks.shift();
      if (rest.length > 0) this.chunks.unshift(rest);
      this.buffered -= 4 + size;
      const id = frame.readInt32BE(0);
      const pending = this.pending.get(id);
      if (pending === undefined) continue;
      this.pending.delete(id);
      clearTimeout(pending.timer);
      pending.resolve(new WireReader(frame.subarray(4)));
    }
  }

  private join(): Buffer {
    const all = Buffer.concat(this.chunks);
    this.chunks = [all];
    return all;
  }

  private fail(err: Error): void {
    if (this.failure) return;
    this.failure = err;
    for (const p of this.pending.values()) {
      clearTimeout(p.timer);
      p.reject(err);
    }
    this.pending.clear();
    this.socket?.destroy();
  }
}
