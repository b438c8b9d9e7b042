import type { TestProject } from 'vitest/node';
import { type DynamoDbLocal, startDynamoDbLocal } from '../../infra/local/dynamodb-local';

let dynamo: DynamoDbLocal | undefined;

/** One DynamoDB Local for the whole run; every test file makes its own table in it. */
export const setup = async (project: TestProject): Promise<void> => {
  dynamo = await startDynamoDbLocal();
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
