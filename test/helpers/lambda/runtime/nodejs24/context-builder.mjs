/**
 * Builds the context object of the nodejs24.x runtime (aws-lambda-ric 4.x, dist/context/context-builder.js):
 * required headers and environment variables are checked, and the context carries no callback fields
 * (`callbackWaitsForEmptyEventLoop`, `succeed`, `fail`, `done` are gone in this generation).
 */
import { PlatformError } from './errors.mjs';

const REQUIRED_HEADERS = {
  functionArn: 'lambda-runtime-invoked-function-arn',
  requestId: 'lambda-runtime-aws-request-id',
  deadlineMs: 'lambda-runtime-deadline-ms',
};
const OPTIONAL_HEADERS = {
  clientContext: 'lambda-runtime-client-context',
  cognitoIdentity: 'lambda-runtime-cognito-identity',
  traceId: 'lambda-runtime-trace-id',
  tenantId: 'lambda-runtime-aws-tenant-id',
};
const REQUIRED_ENV = [
  'AWS_LAMBDA_FUNCTION_NAME',
  'AWS_LAMBDA_FUNCTION_VERSION',
  'AWS_LAMBDA_FUNCTION_MEMORY_SIZE',
  'AWS_LAMBDA_LOG_GROUP_NAME',
  'AWS_LAMBDA_LOG_STREAM_NAME',
];

const parseJsonHeader = (value, name) => {
  if (!value) return undefined;
  try {
    return JSON.parse(value);
  } catch (error) {
    throw new PlatformError(`Failed to parse ${name} as JSON: ${error.message}`);
  }
};

export const buildContext = (rawHeaders) => {
  const missingEnv = REQUIRED_ENV.filter((name) => !process.env[name]);
  if (missingEnv.length > 0) {
    throw new PlatformError(`Missing required environment variables: ${missingEnv.join(', ')}`);
  }
  const headers = Object.fromEntries(
    Object.entries(rawHeaders).map(([key, value]) => [key.toLowerCase(), value]),
  );
  const missingHeaders = Object.values(REQUIRED_HEADERS).filter((name) => !(name in headers));
  if (missingHeaders.length > 0)
    throw new PlatformError(`Missing required headers: ${missingHeaders.join(', ')}`);
  const deadline = Number.parseInt(headers[REQUIRED_HEADERS.deadlineMs], 10);
  if (Number.isNaN(deadline)) throw new PlatformError('Invalid deadline timestamp');

  const context = {
    clientContext: parseJsonHeader(headers[OPTIONAL_HEADERS.clientContext], OPTIONAL_HEADERS.clientContext),
    identity: parseJsonHeader(headers[OPTIONAL_HEADERS.cognitoIdentity], OPTIONAL_HEADERS.cognitoIdentity),
    invokedFunctionArn: headers[REQUIRED_HEADERS.functionArn],
    awsRequestId: headers[REQUIRED_HEADERS.requestId],
    tenantId: headers[OPTIONAL_HEADERS.tenantId],
    xRayTraceId: headers[OPTIONAL_HEADERS.traceId],
    getRemainingTimeInMillis: () => deadline - Date.now(),
    functionName: process.env.AWS_LAMBDA_FUNCTION_NAME,
    functionVersion: process.env.AWS_LAMBDA_FUNCTION_VERSION,
    memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
    logGroupName: process.env.AWS_LAMBDA_LOG_GROUP_NAME,
    logStreamName: process.env.AWS_LAMBDA_LOG_STREAM_NAME,
  };
  if (headers[OPTIONAL_HEADERS.traceId]) process.env._X_AMZN_TRACE_ID = headers[OPTIONAL_HEADERS.traceId];
  else delete process.env._X_AMZN_TRACE_ID;
  return context;
};
