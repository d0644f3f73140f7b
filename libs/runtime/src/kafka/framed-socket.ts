import { connect as netConnect, isIP, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import type { ISocketFactory } from 'kafkajs';
import { responsePool } from './response-pool.js';

/** What kafkajs's own factory sets: a dead peer is noticed within about a minute. */
const KEEP_ALIVE_DELAY_MS = 60_000;
/** The one buffer a connection reads into (Node's own reads take 64 KiB each). */
const READ_BUFFER_BYTES = 64 * 1024;
/** Responses up to this size share Node's buffer pool; larger ones come from responsePool. */
const SMALL_FRAME_BYTES = 4 * 1024;

/**
 * Cuts a connection's bytes into whole Kafka responses (a 4-byte big-endian size, then
 * that many bytes), each handed on in one Buffer of its own, size included, as soon as its
 * last byte is in. A response is copied once, into a buffer of its exact size, whatever
 * the reads that brought it in; a large one's memory comes from `responsePool`, reused
 * when a reader that retained it releases it.
 */
export class ResponseFramer {
  private readonly header = Buffer.alloc(4);
  private headerFill = 0;
  private frame: Buffer | undefined;
  private fill = 0;

  /** Takes the next bytes read; calls `emit` with each response they complete, in order. */
  push(bytes: Uint8Array, emit: (response: Buffer) => void): void {
    let at = 0;
    while (at < bytes.length) {
      if (this.frame === undefined) {
        while (this.headerFill < 4 && at < bytes.length)
          this.header[this.headerFill++] = bytes[at++]!;
        if (this.headerFill < 4) return;
        const size = this.header.readInt32BE(0);
        if (size < 0) throw new Error(`Kafka response with a negative size (${size})`);
        const total = 4 + size;
        this.frame =
          total <= SMALL_FRAME_BYTES ? Buffer.allocUnsafe(total) : responsePool.take(total);
        this.header.copy(this.frame, 0);
        this.fill = 4;
        this.headerFill = 0;
      }
      const take = Math.min(this.frame.length - this.fill, bytes.length - at);
      this.frame.set(bytes.subarray(at, at + take), this.fill);
      at += take;
      this.fill += take;
      if (this.fill === this.frame.length) {
        const frame = this.frame;
        this.frame = undefined;
        emit(frame);
      }
    }
  }
}

/**
 * kafkajs's socket factory, with plain TCP connections read through one reused buffer
 * (Node's `onread`) and handed to kafkajs a whole response at a time (ResponseFramer).
 * kafkajs's own connection keeps every 64 KiB read as a new Buffer until the response is
 * complete, then joins them into one more: a fetch response of a few MiB was two copies'
 * worth of new memory, which V8 counts towards its next full garbage collection. TLS
 * connections are made as kafkajs makes them.
 */
export function framedSocketFactory(): ISocketFactory {
  return ({ host, port, ssl, onConnect }) => {
    let socket: Socket;
    if (ssl) {
      socket = tlsConnect(
        { host, port, ...(isIP(host) ? {} : { servername: host }), ...ssl },
        onConnect,
      );
    } else {
      const framer = new ResponseFramer();
      const emit = (response: Buffer) => socket.emit('data', response);
      socket = netConnect(
        {
          host,
          port,
          onread: {
            buffer: Buffer.allocUnsafeSlow(READ_BUFFER_BYTES),
            callback: (bytes, buffer) => {
              try {
                framer.push(buffer.subarray(0, bytes), emit);
              } catch (err) {
                socket.destroy(err as Error);
              }
              return true;
            },
          },
        },
        onConnect,
      );
    }
    socket.setKeepAlive(true, KEEP_ALIVE_DELAY_MS);
    return socket;
  };
}
