/**
 * Validation and defaults of `startLambdaFunction`'s options, with errors that name the option.
 */
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { InvalidFunctionOptionError } from './errors';
import { DEFAULT_CREDENTIALS, validateCredentials, validateFunctionEnvironment } from './lambda-environment';
import {
  LAMBDA_ARCHITECTURES,
  LAMBDA_RUNTIMES,
  type LambdaCredentials,
  type LambdaFunctionOptions,
} from './types';

/** The options with every default applied. */
export interface ResolvedFunctionOptions
  extends Required<Omit<LambdaFunctionOptions, 'layerDir' | 'tmpDir'>> {
  readonly layerDir: string | undefined;
  readonly tmpDir: string | undefined;
}

export const DEFAULT_FUNCTION_NAME = 'lambda-harness-function';
/** Generous, so that no test depends on the machine's speed; well above Lambda's own default of 3. */
export const DEFAULT_TIMEOUT_SECONDS = 20;
/** Lambda's default memory setting. */
export const DEFAULT_MEMORY_MB = 128;

const isDirectory = (path: string): boolean => existsSync(path) && statSync(path).isDirectory();

const check = (valid: boolean, option: string, reason: string): void => {
  if (!valid) throw new InvalidFunctionOptionError(option, reason);
};

const isIntegerIn = (value: number, min: number, max: number): boolean =>
  Number.isInteger(value) && value >= min && value <= max;

/**
 * The credentials of the process that runs the harness, handed to the function as Lambda hands it its role's.
 * A test file works in a DynamoDB Local database of its own, chosen by its access key, so a function that
 * writes there with the file's key finds the file's tables.
 */
const processCredentials = (): LambdaCredentials | undefined => {
  const { AWS_ACCESS_KEY_ID: accessKeyId, AWS_SECRET_ACCESS_KEY: secretAccessKey } = process.env;
  if (!accessKeyId || !secretAccessKey) return undefined;
  return { accessKeyId, secretAccessKey, sessionToken: DEFAULT_CREDENTIALS.sessionToken };
};

/** Applies the defaults and checks every option as Lambda's CreateFunction would. */
export const resolveFunctionOptions = (options: LambdaFunctionOptions): ResolvedFunctionOptions => {
  const resolved: ResolvedFunctionOptions = {
    functionName: DEFAULT_FUNCTION_NAME,
    timeoutSeconds: DEFAULT_TIMEOUT_SECONDS,
    memoryMb: DEFAULT_MEMORY_MB,
    architecture: 'x86_64',
    region: 'us-east-1',
    credentials: processCredentials() ?? DEFAULT_CREDENTIALS,
    environment: {},
    ...options,
    // The sandbox starts in /, so relative folders would name the wrong place there.
    taskDir: resolve(options.taskDir),
    layerDir: options.layerDir === undefined ? undefined : resolve(options.layerDir),
    tmpDir: options.tmpDir === undefined ? undefined : resolve(options.tmpDir),
  };
  check(LAMBDA_RUNTIMES.includes(resolved.runtime), 'runtime', `one of ${LAMBDA_RUNTIMES.join(', ')}`);
  check(typeof resolved.handler === 'string' && resolved.handler !== '', 'handler', 'a non-empty string');
  check(isDirectory(resolved.taskDir), 'taskDir', `${resolved.taskDir} is not a folder`);
  check(resolved.layerDir === undefined || isDirectory(resolved.layerDir), 'layerDir', 'not a folder');
  check(resolved.tmpDir === undefined || isDirectory(resolved.tmpDir), 'tmpDir', 'not a folder');
  check(/^[\w-]{1,64}$/.test(resolved.functionName), 'functionName', 'letters, digits, - and _, at most 64');
  check(isIntegerIn(resolved.timeoutSeconds, 1, 900), 'timeoutSeconds', 'an integer from 1 to 900');
  check(isIntegerIn(resolved.memoryMb, 128, 10_240), 'memoryMb', 'an integer from 128 to 10240');
  check(
    LAMBDA_ARCHITECTURES.includes(resolved.architecture),
    'architecture',
    LAMBDA_ARCHITECTURES.join(' or '),
  );
  check(/^[a-z]{2}(-[a-z]+)+-\d$/.test(resolved.region), 'region', 'an AWS region name such as us-east-1');
  validateFunctionEnvironment(resolved.environment);
  validateCredentials(resolved.credentials);
  return resolved;
};
