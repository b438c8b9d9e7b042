import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SNSClient } from '@aws-sdk/client-sns';
import { ENV } from '../domain/env';
import { awsClientConfig, type ClientOptions } from './client-config';

export { type ClientOptions, localCredentials } from './client-config';

/**
 * DynamoDB client for the monitor: the regular AWS client in Lambda, or DynamoDB Local when
 * `CLAUDE_MONITOR_DYNAMODB_ENDPOINT` is set.
 */
export const createDynamoClient = (env: NodeJS.ProcessEnv = process.env, options: ClientOptions = {}) =>
  new DynamoDBClient(awsClientConfig(ENV.dynamodbEndpoint, env, options));

/** SNS client: AWS in Lambda, or the local emulator when `CLAUDE_MONITOR_SNS_ENDPOINT` is set. */
export const createSnsClient = (env: NodeJS.ProcessEnv = process.env, options: ClientOptions = {}) =>
  new SNSClient(awsClientConfig(ENV.snsEndpoint, env, options));
