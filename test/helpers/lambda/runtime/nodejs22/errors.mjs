/**
 * Errors of the nodejs22.x runtime (aws-lambda-ric 3.x, src/Errors.js): the runtime's error types, named
 * `Runtime.<Class>`, and the two ways errors are serialized, for the Runtime API and for the log.
 */
import { types } from 'node:util';

const looksLikeError = (value) =>
  typeof value?.name === 'string' &&
  typeof value?.message === 'string' &&
  typeof value?.stack === 'string' &&
  value.name !== '' &&
  value.message !== '' &&
  value.stack !== '';

export const intoError = (value) => (value instanceof Error ? value : new Error(value));

const escapeDel = (text) => text?.replaceAll('\x7F', '%7F');

/** The body posted to the Runtime API for an invocation or init error. */
export const toRapidResponse = (error) => {
  try {
    if (types.isNativeError(error) || looksLikeError(error)) {
      return {
        errorType: escapeDel(error.name),
        errorMessage: escapeDel(error.message),
        trace: escapeDel(error.stack).split('\n'),
      };
    }
    return { errorType: typeof error, errorMessage: error.toString(), trace: [] };
  } catch {
    return {
      errorType: 'handled',
      errorMessage:
        'callback called with Error argument, but there was a problem while retrieving one or more of its message, name, and stack',
    };
  }
};

const withEnumerableProperties = (value) => {
  if (!(value instanceof Error)) return value;
  const shown = { errorType: value.name, errorMessage: value.message, code: value.code, ...value };
  if (typeof value.stack === 'string') shown.stack = value.stack.split('\n');
  return shown;
};

/** The error as the log shows it: a tab, then JSON with the non-enumerable fields made visible. */
export const toFormatted = (error) => {
  try {
    return `\t${JSON.stringify(error, (_key, value) => withEnumerableProperties(value))}`;
  } catch {
    return `\t${JSON.stringify(toRapidResponse(error))}`;
  }
};

/** Logs an error the way the runtime does (`Invoke Error`, `Uncaught Exception`, ...). */
export const logError = (message, error) => {
  console.error(message, toFormatted(intoError(error)));
};

const runtimeError = (name) => {
  const ErrorClass = class extends Error {};
  Object.defineProperty(ErrorClass, 'name', { value: name });
  ErrorClass.prototype.name = `Runtime.${name}`;
  return ErrorClass;
};

export const ImportModuleError = runtimeError('ImportModuleError');
export const HandlerNotFound = runtimeError('HandlerNotFound');
export const MalformedHandlerName = runtimeError('MalformedHandlerName');
export const UserCodeSyntaxError = runtimeError('UserCodeSyntaxError');
export const MalformedStreamingHandler = runtimeError('MalformedStreamingHandler');

export class NodeJsExit extends Error {
  constructor() {
    super(
      'The Lambda runtime client detected an unexpected Node.js exit code. This is most commonly caused by a Promise that was never settled. For more information, see https://nodejs.org/docs/latest/api/process.html#exit-codes',
    );
  }
}
NodeJsExit.prototype.name = 'Runtime.NodeJsExit';

export class UnhandledPromiseRejection extends Error {
  constructor(reason, promise) {
    super(reason);
    this.reason = reason;
    this.promise = promise;
  }
}
UnhandledPromiseRejection.prototype.name = 'Runtime.UnhandledPromiseRejection';
