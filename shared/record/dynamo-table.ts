import {
  CreateTableCommand,
  type CreateTableCommandInput,
  DescribeTableCommand,
  type DynamoDBClient,
  type TableDescription,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import { StoreError } from './store-error.ts';

/**
 * The store's one table: string keys `pk` (hash) and `sk` (range), on demand. DynamoDB's time to live
 * must also be enabled on `ttl` (the CDK stack does it; dynalite keeps the attribute and never expires).
 */
export function tableDefinition(tableName: string): CreateTableCommandInput {
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [
      { AttributeName: 'pk', AttributeType: 'S' },
      { AttributeName: 'sk', AttributeType: 'S' },
    ],
    KeySchema: [
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ],
  };
}

/** Creates the table when it does not exist and waits until it is active; refuses a table with other keys. */
export async function ensureTable(
  client: DynamoDBClient,
  tableName: string,
  options: { maxWaitSeconds?: number } = {},
): Promise<void> {
  const existing = await describe(client, tableName);
  if (existing) {
    checkKeys(existing, tableName);
    if (existing.TableStatus === 'ACTIVE') return;
  } else {
    try {
      await client.send(new CreateTableCommand(tableDefinition(tableName)));
    } catch (error) {
      // Someone else created it in the meantime: fine, its keys are checked below.
      if (!(error instanceof Error && error.name === 'ResourceInUseException')) {
        throw new StoreError('cannot create the table', { table: tableName, cause: error });
      }
    }
  }
  try {
    await waitUntilTableExists(
      { client, maxWaitTime: options.maxWaitSeconds ?? 120, minDelay: 1 },
      { TableName: tableName },
    );
  } catch (error) {
    throw new StoreError('the table did not become active', { table: tableName, cause: error });
  }
  const created = await describe(client, tableName);
  if (created) checkKeys(created, tableName);
}

async function describe(client: DynamoDBClient, tableName: string): Promise<TableDescription | undefined> {
  try {
    return (await client.send(new DescribeTableCommand({ TableName: tableName }))).Table;
  } catch (error) {
    if (error instanceof Error && error.name === 'ResourceNotFoundException') return undefined;
    throw new StoreError('cannot describe the table', { table: tableName, cause: error });
  }
}

function checkKeys(table: TableDescription, tableName: string): void {
  const keys = (table.KeySchema ?? []).map((key) => `${key.AttributeName}:${key.KeyType}`).sort();
  const types = new Map((table.AttributeDefinitions ?? []).map((a) => [a.AttributeName, a.AttributeType]));
  if (keys.join(',') !== 'pk:HASH,sk:RANGE' || types.get('pk') !== 'S' || types.get('sk') !== 'S') {
    throw new StoreError(
      `the table exists with other keys (${keys.join(', ')}); it needs pk (S) and sk (S)`,
      {
        table: tableName,
      },
    );
  }
}
