import { fileURLToPath } from 'node:url';
import type { InvokeResult, LambdaError } from '../../helpers/lambda/types';

/** Absolute path of a file or folder under ./fixtures. */
export const fixturePath = (...parts: string[]): string =>
  fileURLToPath(new URL(`./fixtures/${parts.join('/')}`, import.meta.url));

/** The payload of a successful invocation; fails the test with the error otherwise. */
export const payloadOf = (result: InvokeResult): Record<string, unknown> => {
  if ('error' in result) throw new Error(`the invocation failed: ${JSON.stringify(result.error)}`);
  return result.payload as Record<string, unknown>;
};

/** The error of a failed invocation; fails the test with the payload otherwise. */
export const errorOf = (result: InvokeResult): LambdaError => {
  if (!('error' in result)) throw new Error(`the invocation succeeded: ${JSON.stringify(result.payload)}`);
  return result.error;
};
