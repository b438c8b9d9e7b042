import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SNSClient } from '@aws-sdk/client-sns';
import { ENV } from '../domain/env';

/** Local endpoints (DynamoDB Local, the SNS emulator) accept any credentials made of letters and digits. */
const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };

/**
 * Credentials for DynamoDB Local: those of the environment when set, else `local`. DynamoDB Local started
 * without `-sharedDb` keeps one database per access key, so a process (a test file) that sets its own key in
 * `AWS_ACCESS_KEY_ID` gets a database of its own, and every client it builds from the environment finds it.
 */
export const localCredentials = (env: NodeJS.ProcessEnv = process.env) =>
  env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY
    ? { accessKeyId: env.AWS_ACCESS_KEY_ID, secretAccessKey: env.AWS_SECRET_ACCESS_KEY }
    : LOCAL_CREDENTIALS;

export interface ClientOptions {
  /** Extra SDK retries; the SDK's default when omitted. */
  maxAttempts?: number;
  /** Per-request timeout, ms (connection and response). */
  requestTimeoutMs?: number;
}

const requestHandler = (options: ClientOptions) =>
  options.requestTimeoutMs === undefined
    ? undefined
    : { connectionTimeout: options.requestTimeoutMs, requestTimeout: options.requestTimeoutMs };

/**
 * DynamoDB client for the monitor: the regular AWS client in Lambda, or DynamoDB Local when
 * `CLAUDE_MONITOR_DYNAMODB_ENDPOINT` is set.
 */
export const createDynamoClient = (env: NodeJS.ProcessEnv = process.env, options: ClientOptions = {}) => {
  const endpoint = env[ENV.dynamodbEndpoint];
  return new DynamoDBClient({
    ...(endpoint
      ? { endpoint, credentials: localCredentials(env), region: env.AWS_REGION ?? 'us-east-1' }
      : {}),
    ...(options.maxAttempts === undefined ? {} : { maxAttempts: options.maxAttempts }),
    ...(requestHandler(options) ? { requestHandler: requestHandler(options) } : {}),
  });
};

/** SNS client: AWS in Lambda, or the local emulator when `CLAUDE_MONITOR_SNS_ENDPOINT` is set. */
export const createSnsClient = (env: NodeJS.ProcessEnv = process.env, options: ClientOptions = {}) => {
  const endpoint = env[ENV.snsEndpoint];
  return new SNSClient({
    ...(endpoint ? { endpoint, credentials: LOCAL_CREDENTIALS, region: env.AWS_REGION ?? 'us-east-1' } : {}),
    ...(options.maxAttempts === undefined ? {} : { maxAttempts: options.maxAttempts }),
  });
};
