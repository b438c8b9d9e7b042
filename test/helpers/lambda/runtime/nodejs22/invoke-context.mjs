/**
 * Reads an invocation's headers into the context object and the logging state of the nodejs22.x runtime
 * (aws-lambda-ric 3.x, src/InvokeContext.js).
 */
import assert from 'node:assert/strict';

export const REQUEST_ID = Symbol.for('aws.lambda.runtime.requestId');
const TENANT_ID = Symbol.for('aws.lambda.runtime.tenantId');

const HEADER = {
  clientContext: 'lambda-runtime-client-context',
  cognitoIdentity: 'lambda-runtime-cognito-identity',
  functionArn: 'lambda-runtime-invoked-function-arn',
  requestId: 'lambda-runtime-aws-request-id',
  deadlineMs: 'lambda-runtime-deadline-ms',
  traceId: 'lambda-runtime-trace-id',
  tenantId: 'lambda-runtime-aws-tenant-id',
};

const parseJsonHeader = (value, name) => {
  if (value === undefined) return undefined;
  try {
    return JSON.parse(value);
  } catch (error) {
    throw new Error(`Cannot parse ${name} as json: ${error.toString()}`);
  }
};

export class InvokeContext {
  constructor(headers) {
    this.headers = Object.fromEntries(
      Object.entries(headers).map(([key, value]) => [key.toLowerCase(), value]),
    );
  }

  get invokeId() {
    const id = this.headers[HEADER.requestId];
    assert.ok(id, 'invocation id is missing or invalid');
    return id;
  }

  updateLoggingContext() {
    globalThis[REQUEST_ID] = this.invokeId;
    globalThis[TENANT_ID] = this.headers[HEADER.tenantId];
  }

  /** Adds the environment's and the invocation's data to the callback part of the context. */
  attachEnvironmentData(callbackContext) {
    if (this.headers[HEADER.traceId]) process.env._X_AMZN_TRACE_ID = this.headers[HEADER.traceId];
    else delete process.env._X_AMZN_TRACE_ID;
    const deadline = this.headers[HEADER.deadlineMs];
    return Object.assign(
      callbackContext,
      {
        functionVersion: process.env.AWS_LAMBDA_FUNCTION_VERSION,
        functionName: process.env.AWS_LAMBDA_FUNCTION_NAME,
        memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
        logGroupName: process.env.AWS_LAMBDA_LOG_GROUP_NAME,
        logStreamName: process.env.AWS_LAMBDA_LOG_STREAM_NAME,
      },
      {
        clientContext: parseJsonHeader(this.headers[HEADER.clientContext], 'ClientContext'),
        identity: parseJsonHeader(this.headers[HEADER.cognitoIdentity], 'CognitoIdentity'),
        invokedFunctionArn: this.headers[HEADER.functionArn],
        awsRequestId: this.headers[HEADER.requestId],
        tenantId: this.headers[HEADER.tenantId],
        getRemainingTimeInMillis: () => deadline - Date.now(),
      },
    );
  }
}
