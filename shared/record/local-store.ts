import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { lockDataDir } from './data-dir-lock.ts';
import { type DynaliteServer, startDynaliteServer } from './dynalite-server.ts';
import { DynamoStore, type DynamoStoreOptions } from './dynamo-store.ts';
import { ensureTable } from './dynamo-table.ts';
import { StoreError } from './store-error.ts';

export const DEFAULT_DATA_DIR = '.dremio-ha-monitor';
export const DEFAULT_TABLE_NAME = 'dremio-ha-monitor';

type StoreTuning = Pick<DynamoStoreOptions, 'eventRetentionMs' | 'onBadItem' | 'now'>;

export interface ConnectOptions extends StoreTuning {
  /** A local endpoint (dynalite), with dummy credentials; left out: real DynamoDB, the SDK's credentials. */
  readonly endpoint?: string;
  readonly tableName: string;
  /** Default: us-east-1 for an endpoint, the SDK's own resolution for DynamoDB. */
  readonly region?: string;
}

export interface ConnectedStore {
  readonly store: DynamoStore;
  /** The low-level client (table management, raw items). */
  readonly client: DynamoDBClient;
  readonly documentClient: DynamoDBDocumentClient;
  /** Closes the client's sockets. */
  close(): Promise<void>;
}

export function connectStore(options: ConnectOptions): ConnectedStore {
  const { endpoint, tableName, region, ...tuning } = options;
  const client = new DynamoDBClient(
    endpoint === undefined
      ? { ...(region === undefined ? {} : { region }) }
      : {
          endpoint,
          region: region ?? 'us-east-1',
          credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
        },
  );
  const documentClient = DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true },
  });
  return {
    store: new DynamoStore({ client: documentClient, tableName, ...tuning }),
    client,
    documentClient,
    close: async () => client.destroy(),
  };
}

export interface LocalStoreOptions extends StoreTuning {
  /** Default ./.dremio-ha-monitor (from the working directory); created if missing. */
  readonly dataDir?: string;
  readonly tableName?: string;
  /** Where dynalite listens: default 127.0.0.1, port 0 (any free port). */
  readonly host?: string;
  readonly port?: number;
}

export interface LocalStore {
  readonly store: DynamoStore;
  /** Other processes share this store by connecting here (connectStore({ endpoint })). */
  readonly endpoint: string;
  readonly dataDir: string;
  close(): Promise<void>;
}

/**
 * The embedded default: dynalite in this process, persisting in `<dataDir>/store` (LevelDB), with the
 * table created if missing. LevelDB allows one process per directory: a second process must not open
 * the same data directory but connect to the first one's endpoint (a `store serve` command to come).
 */
export async function startLocalStore(options: LocalStoreOptions = {}): Promise<LocalStore> {
  const dataDir = resolve(options.dataDir ?? DEFAULT_DATA_DIR);
  const tableName = options.tableName ?? DEFAULT_TABLE_NAME;
  const { eventRetentionMs, onBadItem, now } = options;
  await mkdir(join(dataDir, 'store'), { recursive: true });
  const lock = await lockDataDir(dataDir);
  const opened: { server?: DynaliteServer; connected?: ConnectedStore } = {};
  try {
    const server = await startDynaliteServer({
      path: join(dataDir, 'store'),
      ...(options.host === undefined ? {} : { host: options.host }),
      ...(options.port === undefined ? {} : { port: options.port }),
    });
    opened.server = server;
    await lock.setEndpoint(server.endpoint);
    const connected = connectStore({
      endpoint: server.endpoint,
      tableName,
      ...(eventRetentionMs === undefined ? {} : { eventRetentionMs }),
      ...(onBadItem === undefined ? {} : { onBadItem }),
      ...(now === undefined ? {} : { now }),
    });
    opened.connected = connected;
    await ensureTable(connected.client, tableName);
    return {
      store: connected.store,
      endpoint: server.endpoint,
      dataDir,
      close: async () => {
        await connected.close();
        await server.close();
        await lock.release();
      },
    };
  } catch (error) {
    await opened.connected?.close();
    await opened.server?.close().catch(() => {});
    await lock.release();
    throw new StoreError(`cannot open the local store in ${dataDir}`, { table: tableName, cause: error });
  }
}
