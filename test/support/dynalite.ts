import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { startDynaliteServer } from '../../shared/record/dynalite-server.ts';
import { DynamoStore, type DynamoStoreOptions } from '../../shared/record/dynamo-store.ts';
import { ensureTable } from '../../shared/record/dynamo-table.ts';
import { connectStore } from '../../shared/record/local-store.ts';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

export const TEST_TABLE = 'monitor-test';

export interface TestDynalite {
  /** A DynamoStore on TEST_TABLE. */
  readonly store: DynamoStore;
  /** The low-level client, for raw items and tables. */
  readonly client: DynamoDBClient;
  readonly documentClient: DynamoDBDocumentClient;
  readonly endpoint: string;
  /** Another store on the same server: its own table (created if missing) or options. */
  storeFor(options?: Partial<Omit<DynamoStoreOptions, 'client'>>): Promise<DynamoStore>;
  close(): Promise<void>;
}

/** dynalite in memory on 127.0.0.1 (any free port), TransactWriteItems emulated, TEST_TABLE created. */
export async function startDynalite(): Promise<TestDynalite> {
  const server = await startDynaliteServer();
  const connected = connectStore({ endpoint: server.endpoint, tableName: TEST_TABLE });
  await ensureTable(connected.client, TEST_TABLE);
  return {
    store: connected.store,
    client: connected.client,
    documentClient: connected.documentClient,
    endpoint: server.endpoint,
    storeFor: async (options = {}) => {
      const tableName = options.tableName ?? TEST_TABLE;
      await ensureTable(connected.client, tableName);
      return new DynamoStore({ ...options, tableName, client: connected.documentClient });
    },
    close: async () => {
      await connected.close();
      await server.close();
    },
  };
}
