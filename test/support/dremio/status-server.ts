import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

/** How the web server of an emulated node misbehaves, set by a fault. */
export type HttpBehaviour =
  | { readonly kind: 'normal' }
  /** Accepts connections and never answers: a hung JVM whose ZooKeeper session lives on. */
  | { readonly kind: 'zombie' }
  /** Answers after a delay. */
  | { readonly kind: 'slow'; readonly delayMs: number };

/**
 * Dremio's web server as far as the monitor sees it: `GET /apiv2/server_status` answers 200 `"OK"`
 * while a master is registered and 503 `"MASTER_DOWN"` otherwise (docs/dremio-ha.md#server-status), as a JSON string.
 */
export class StatusServer {
  behaviour: HttpBehaviour = { kind: 'normal' };
  #server: Server | undefined;
  readonly #hung = new Set<ServerResponse>();

  constructor(private readonly masterIsUp: () => boolean) {}

  async listen(host: string, port: number): Promise<number> {
    const server = createServer((request, response) => this.#handle(request, response));
    // Jetty's default idle timeout: a monitor that probes every second keeps its connection.
    server.keepAliveTimeout = 30_000;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve());
    });
    this.#server = server;
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('web server has no TCP address');
    return address.port;
  }

  /** Stops accepting and drops every open connection, as a closing Jetty does. */
  async close(): Promise<void> {
    const server = this.#server;
    if (!server) return;
    this.#server = undefined;
    for (const response of this.#hung) response.destroy();
    await new Promise((resolve) => {
      server.close(resolve);
      server.closeAllConnections();
    });
  }

  #handle(request: IncomingMessage, response: ServerResponse): void {
    const behaviour = this.behaviour;
    if (behaviour.kind === 'zombie') {
      this.#hung.add(response);
      response.once('close', () => this.#hung.delete(response));
      return;
    }
    const answer = () => this.#answer(request, response);
    if (behaviour.kind === 'slow') setTimeout(answer, behaviour.delayMs);
    else answer();
  }

  #answer(request: IncomingMessage, response: ServerResponse): void {
    const path = (request.url ?? '').split('?')[0];
    if (request.method !== 'GET' || path !== '/apiv2/server_status') {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('Not Found');
      return;
    }
    const up = this.masterIsUp();
    response
      .writeHead(up ? 200 : 503, { 'content-type': 'application/json' })
      .end(JSON.stringify(up ? 'OK' : 'MASTER_DOWN'));
  }
}
