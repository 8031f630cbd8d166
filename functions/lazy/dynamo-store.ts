import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoStore } from '../../shared/record/dynamo-store.ts';

/** The store on AWS; loaded by the runtime at first use, so the SDK's DynamoDB packages load then. */
export function dynamoStore(tableName: string): DynamoStore {
  return new DynamoStore({
    tableName,
    client: DynamoDBDocumentClient.from(new DynamoDBClient({}), {
      marshallOptions: { removeUndefinedValues: true },
    }),
  });
}
