import type { AddressInfo } from 'node:net';
import dynalite from 'dynalite';
import { installTransactWriteItems } from './dynalite-transactions.ts';

export interface DynaliteServerOptions {
  /** LevelDB directory; in memory when left out. LevelDB allows one process per directory. */
  readonly path?: string;
  /** Default 127.0.0.1. */
  readonly host?: string;
  /** Default 0 (any free port). */
  readonly port?: number;
}

export interface DynaliteServer {
  /** http://host:port, for a DynamoDB client's `endpoint`. */
  readonly endpoint: string;
  close(): Promise<void>;
}

/** dynalite in this process, with TransactWriteItems emulated (see dynalite-transactions.ts). */
export async function startDynaliteServer(options: DynaliteServerOptions = {}): Promise<DynaliteServer> {
  const host = options.host ?? '127.0.0.1';
  const server = dynalite({
    ...(options.path === undefined ? {} : { path: options.path }),
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
  });
  installTransactWriteItems(server);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  };
}
