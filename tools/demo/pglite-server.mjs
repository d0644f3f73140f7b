#!/usr/bin/env node
// The demo's embedded PostgreSQL: one in-memory PGlite served over the PostgreSQL wire
// protocol to several connections (the batch, the API's pool, the live streamer).
//
// PGlite is one session. What it runs must therefore be whole exchanges: a connection's
// messages up to and including Sync (extended protocol: Parse, Bind, Describe, Execute,
// Sync) or one simple Query run as one unit, never interleaved with another connection's
// (an interleaved Parse replaces the unnamed statement under the other's Bind). And while a
// connection has a transaction open, only that connection runs, until it ends it.
//
//   node tools/demo/pglite-server.mjs --port=N [--host=127.0.0.1] [--max-connections=32]
import { createServer } from 'node:net';
import { parseArgs } from 'node:util';
import { PGlite } from '@electric-sql/pglite';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '5432' },
    host: { type: 'string', default: '127.0.0.1' },
    'max-connections': { type: 'string', default: '32' },
  },
});

const SSL_REQUEST = 80877103;
const CANCEL_REQUEST = 80877102;
const PROTOCOL_3 = 196608;
// Messages after which a client waits for the server: Sync, simple Query, Terminate,
// Flush, and the replies of the startup's authentication exchange.
const ENDS_EXCHANGE = new Set(['S', 'Q', 'X', 'H', 'p']);

const db = await PGlite.create('memory://');

/** Units waiting to run, oldest first: { conn, bytes, done }. */
const queue = [];
/** The connection whose transaction is open: only its units run until it ends it. */
let owner = null;
let running = false;

async function drain() {
  if (running) return;
  running = true;
  try {
    for (;;) {
      const i = owner === null ? 0 : queue.findIndex((u) => u.conn === owner);
      if (i < 0 || queue.length === 0) break;
      const [unit] = queue.splice(i, 1);
      try {
        await db.runExclusive(() =>
          db.execProtocolRawStream(unit.bytes, { onRawData: (out) => unit.conn.write(out) }),
        );
      } catch (err) {
        unit.conn.destroy(err);
      }
      owner = db.isInTransaction() ? unit.conn : null;
      unit.done();
    }
  } finally {
    running = false;
  }
}

function handle(socket) {
  const conn = {
    write: (out) => socket.writable && out.length > 0 && socket.write(Buffer.from(out)),
    destroy: () => socket.destroy(),
  };
  let buffer = Buffer.alloc(0);
  let started = false;
  let pending = [];
  let chain = Promise.resolve();

  const submit = (bytes) => {
    chain = chain.then(
      () =>
        new Promise((done) => {
          queue.push({ conn, bytes, done });
          void drain();
        }),
    );
  };

  socket.setNoDelay(true);
  socket.on('data', (data) => {
    buffer = Buffer.concat([buffer, data]);
    for (;;) {
      if (!started) {
        if (buffer.length < 8) return;
        const length = buffer.readInt32BE(0);
        const code = buffer.readInt32BE(4);
        if (code === SSL_REQUEST) {
          buffer = buffer.subarray(8);
          socket.write('N');
          continue;
        }
        if (code === CANCEL_REQUEST) {
          buffer = buffer.subarray(16);
          continue;
        }
        if (buffer.length < length) return;
        if (code !== PROTOCOL_3) return socket.destroy();
        submit(new Uint8Array(buffer.subarray(0, length)));
        buffer = buffer.subarray(length);
        started = true;
        continue;
      }
      if (buffer.length < 5) return;
      const length = 1 + buffer.readInt32BE(1);
      if (buffer.length < length) return;
      const type = String.fromCharCode(buffer[0]);
      pending.push(buffer.subarray(0, length));
      buffer = buffer.subarray(length);
      if (ENDS_EXCHANGE.has(type)) {
        submit(new Uint8Array(Buffer.concat(pending)));
        pending = [];
      }
    }
  });
  const gone = () => {
    for (let i = queue.length - 1; i >= 0; i--)
      if (queue[i].conn === conn) queue.splice(i, 1)[0].done();
    if (owner === conn) {
      owner = null;
      void db
        .exec('ROLLBACK')
        .catch(() => undefined)
        .then(drain);
    }
  };
  socket.on('close', gone);
  socket.on('error', () => socket.destroy());
}

const server = createServer(handle);
server.maxConnections = Number(values['max-connections']);
server.listen(Number(values.port), values.host, () => {
  process.stdout.write(`PGlite on ${values.host}:${values.port}\n`);
});
const stop = () => server.close(() => db.close().finally(() => process.exit(0)));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
