import type { ENV } from '../domain/env';

/** Local endpoints (DynamoDB Local, the SNS emulator) accept any credentials made of letters and digits. */
const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };

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
    ...(endpoint ? { endpoint, credentials: LOCAL_CREDENTIALS, region: env.AWS_REGION ?? 'us-east-1' } : {}),
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
