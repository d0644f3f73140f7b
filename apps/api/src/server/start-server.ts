import { once } from 'node:events';
import type { Server } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RequestListener } from 'node:http';
import type { Logger } from 'pino';

export interface RunningServer {
  readonly server: Server;
  /** `http://host:port`, with the port actually bound. */
  readonly url: string;
  /** Stops accepting, lets open requests finish for up to `timeoutMs`, then cuts the rest. */
  close(timeoutMs: number): Promise<void>;
}

export async function startServer(
  app: RequestListener,
  options: { readonly port: number; readonly host: string; readonly log: Logger },
): Promise<RunningServer> {
  const server = createServer(app);
  // Behind a load balancer idle connections must outlive its own keep-alive.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  server.listen(options.port, options.host);
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  const shown =
    options.host === '0.0.0.0' || options.host === '::' || options.host === '127.0.0.1'
      ? 'localhost'
      : options.host;
  return {
    server,
    url: `http://${shown}:${port}`,
    close: async (timeoutMs) => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const timer = setTimeout(() => {
        options.log.warn('shutdown grace period over: closing open connections');
        server.closeAllConnections();
      }, timeoutMs);
      timer.unref();
      await closed;
      clearTimeout(timer);
    },
  };
}
