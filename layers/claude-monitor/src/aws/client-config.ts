import type { ENV } from '../domain/env';

/** Local endpoints (DynamoDB Local, the SNS emulator) accept any credentials made of letters and digits. */
const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };

/**
 * Credentials for a local endpoint: those of the environment when set, else `local`. DynamoDB Local started
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

/**
 * Configuration of an AWS SDK client: the regular one in Lambda, or a local endpoint (with local credentials)
 * when the endpoint variable is set. Plain data, so code that loads the SDK itself can use it.
 */
export const awsClientConfig = (
  endpointVariable: typeof ENV.dynamodbEndpoint | typeof ENV.snsEndpoint,
  env: NodeJS.ProcessEnv,
  options: ClientOptions,
): Record<string, unknown> => {
  const endpoint = env[endpointVariable];
  return {
    ...(endpoint
      ? { endpoint, credentials: localCredentials(env), region: env.AWS_REGION ?? 'us-east-1' }
      : {}),
    ...(options.maxAttempts === undefined ? {} : { maxAttempts: options.maxAttempts }),
    ...(options.requestTimeoutMs === undefined
      ? {}
      : {
          requestHandler: {
            connectionTimeout: options.requestTimeoutMs,
            requestTimeout: options.requestTimeoutMs,
          },
        }),
  };
};
