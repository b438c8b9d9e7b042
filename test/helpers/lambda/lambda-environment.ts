/**
 * The environment variables a function sees, as the Node.js managed runtime sets them
 * (https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html#configuration-envvars-runtime):
 * Lambda's own values, then the function's variables, which may extend the unreserved ones (`PATH`,
 * `NODE_PATH`, `NODE_OPTIONS`, `AWS_LAMBDA_EXEC_WRAPPER`, ...) but never the reserved ones.
 */
import { randomBytes } from 'node:crypto';
import { InvalidFunctionOptionError, ReservedEnvironmentVariableError } from './errors';
import type { LambdaCredentials, LambdaRuntime } from './types';

/** Names Lambda refuses in a function's configuration (the documentation's "reserved" list). */
export const RESERVED_ENVIRONMENT_VARIABLES: ReadonlySet<string> = new Set([
  '_HANDLER',
  '_X_AMZN_TRACE_ID',
  'AWS_DEFAULT_REGION',
  'AWS_REGION',
  'AWS_EXECUTION_ENV',
  'AWS_LAMBDA_FUNCTION_NAME',
  'AWS_LAMBDA_FUNCTION_MEMORY_SIZE',
  'AWS_LAMBDA_FUNCTION_VERSION',
  'AWS_LAMBDA_INITIALIZATION_TYPE',
  'AWS_LAMBDA_LOG_GROUP_NAME',
  'AWS_LAMBDA_LOG_STREAM_NAME',
  'AWS_ACCESS_KEY',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_LAMBDA_RUNTIME_API',
  'LAMBDA_TASK_ROOT',
  'LAMBDA_RUNTIME_DIR',
  'TZ',
]);

/** Lambda's limit on a function's environment: 4 KB for all keys and values together. */
export const ENVIRONMENT_MAX_BYTES = 4 * 1024;

const VARIABLE_NAME = /^[a-zA-Z]\w+$/;

export const DEFAULT_CREDENTIALS: LambdaCredentials = {
  accessKeyId: 'ASIALAMBDAHARNESS000',
  secretAccessKey: 'lambdaHarnessSecretAccessKey0000000000000',
  sessionToken: 'lambdaHarnessSessionToken0000000000000000',
};

const LETTERS_AND_DIGITS = /^[a-zA-Z\d]+$/;

/** What the environment variables are made of. */
export interface LambdaEnvironmentConfig {
  readonly runtime: LambdaRuntime;
  readonly handler: string;
  readonly functionName: string;
  readonly memoryMb: number;
  readonly region: string;
  readonly credentials: LambdaCredentials;
  readonly environment: Readonly<Record<string, string>>;
  /** `host:port` of the Runtime API. */
  readonly runtimeApi: string;
}

/** Checks a function's own variables the way CreateFunction does. */
export const validateFunctionEnvironment = (environment: Readonly<Record<string, string>>): void => {
  const reserved = Object.keys(environment).filter((name) => RESERVED_ENVIRONMENT_VARIABLES.has(name));
  if (reserved.length > 0) throw new ReservedEnvironmentVariableError(reserved);
  let bytes = 0;
  for (const [name, value] of Object.entries(environment)) {
    if (!VARIABLE_NAME.test(name)) {
      throw new InvalidFunctionOptionError(
        `environment.${name}`,
        'a name is a letter then letters, digits or _',
      );
    }
    if (typeof value !== 'string') {
      throw new InvalidFunctionOptionError(`environment.${name}`, 'values are strings');
    }
    bytes += Buffer.byteLength(name) + Buffer.byteLength(value);
  }
  if (bytes > ENVIRONMENT_MAX_BYTES) {
    throw new InvalidFunctionOptionError(
      'environment',
      `${bytes} bytes, Lambda allows ${ENVIRONMENT_MAX_BYTES}`,
    );
  }
};

/** Checks that credentials are letters and digits only (what DynamoDB Local accepts as access keys). */
export const validateCredentials = (credentials: LambdaCredentials): void => {
  for (const [key, value] of Object.entries(credentials)) {
    if (!LETTERS_AND_DIGITS.test(value)) {
      throw new InvalidFunctionOptionError(`credentials.${key}`, 'letters and digits only');
    }
  }
};

/** The `NODE_PATH` the runtime gives a function that does not set one. */
export const defaultNodePath = (runtime: LambdaRuntime): string => {
  const major = runtime === 'nodejs22.x' ? 22 : 24;
  return [
    `/opt/nodejs/node${major}/node_modules`,
    '/opt/nodejs/node_modules',
    '/var/runtime/node_modules',
    '/var/runtime',
    '/var/task',
  ].join(':');
};

const logStreamName = (): string => {
  const day = new Date().toISOString().slice(0, 10).replaceAll('-', '/');
  return `${day}/[$LATEST]${randomBytes(16).toString('hex')}`;
};

/** The complete environment of the runtime process (nothing of the test process leaks into it). */
export const lambdaEnvironment = (config: LambdaEnvironmentConfig): Record<string, string> => ({
  LANG: 'en_US.UTF-8',
  PATH: '/var/lang/bin:/usr/local/bin:/usr/bin/:/bin:/opt/bin',
  LD_LIBRARY_PATH:
    '/var/lang/lib:/lib64:/usr/lib64:/var/runtime:/var/runtime/lib:/var/task:/var/task/lib:/opt/lib',
  NODE_PATH: defaultNodePath(config.runtime),
  ...config.environment,
  TZ: ':UTC',
  _HANDLER: config.handler,
  LAMBDA_TASK_ROOT: '/var/task',
  LAMBDA_RUNTIME_DIR: '/var/runtime',
  AWS_LAMBDA_RUNTIME_API: config.runtimeApi,
  AWS_EXECUTION_ENV: `AWS_Lambda_${config.runtime}`,
  AWS_LAMBDA_FUNCTION_NAME: config.functionName,
  AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
  AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(config.memoryMb),
  AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
  AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${config.functionName}`,
  AWS_LAMBDA_LOG_STREAM_NAME: logStreamName(),
  AWS_REGION: config.region,
  AWS_DEFAULT_REGION: config.region,
  AWS_ACCESS_KEY_ID: config.credentials.accessKeyId,
  AWS_SECRET_ACCESS_KEY: config.credentials.secretAccessKey,
  AWS_SESSION_TOKEN: config.credentials.sessionToken,
});
