import type { TestProject } from 'vitest/node';
import { type DynamoDbLocal, startDynamoDbLocal } from '../../infra/local/dynamodb-local';

let dynamo: DynamoDbLocal | undefined;

/**
 * One DynamoDB Local for the whole run, with a database per access key: every test file has its own key
 * (`file-database.ts`), so its tables, and their stream records, never slow down the files after it.
 */
export const setup = async (project: TestProject): Promise<void> => {
  dynamo = await startDynamoDbLocal({ sharedDb: false });
  project.provide('dynamoEndpoint', dynamo.endpoint);
};

export const teardown = async (): Promise<void> => {
  await dynamo?.stop();
};

declare module 'vitest' {
  export interface ProvidedContext {
    dynamoEndpoint: string;
  }
}
