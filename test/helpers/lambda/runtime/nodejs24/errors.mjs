/**
 * Errors of the nodejs24.x runtime (aws-lambda-ric 4.x, dist/utils/errors.js and error.js): named
 * `Runtime.<Kind>`, serialized for the Runtime API and for the log.
 */
export class HandlerNotFoundError extends Error {
  constructor(message) {
    super(message);
    this.name = 'Runtime.HandlerNotFound';
  }
}

export class MalformedHandlerNameError extends Error {
  constructor(message) {
    super(message);
    this.name = 'Runtime.MalformedHandlerName';
  }
}

export class ImportModuleError extends Error {
  constructor(cause) {
    super(String(cause));
    this.name = 'Runtime.ImportModuleError';
  }
}

export class UserCodeSyntaxError extends Error {
  constructor(cause) {
    super(String(cause));
    this.name = 'Runtime.UserCodeSyntaxError';
    this.stack = cause.stack;
  }
}

export class MalformedStreamingHandler extends Error {
  constructor(message) {
    super(message);
    this.name = 'Runtime.MalformedStreamingHandler';
  }
}

export class JSONStringifyError extends Error {
  constructor(message = 'Unable to stringify response body') {
    super(message);
    this.name = 'Runtime.JSONStringifyError';
  }
}

export class PlatformError extends Error {
  constructor(message) {
    super(message);
    this.name = 'Runtime.PlatformError';
  }
}

export class CallbackHandlerDeprecatedError extends Error {
  constructor(message) {
    super(message);
    this.name = 'Runtime.CallbackHandlerDeprecated';
  }
}

export const intoError = (value) => (value instanceof Error ? value : new Error(String(value)));

const escapeDel = (text) => text?.replaceAll('\x7F', '%7F');

/** The body posted to the Runtime API for an invocation or init error. */
export const formatError = (error) => {
  try {
    if (error instanceof Error) {
      return {
        errorType: escapeDel(error.name),
        errorMessage: escapeDel(error.message),
        trace: escapeDel(error.stack)?.split('\n') || [],
      };
    }
    return { errorType: typeof error, errorMessage: String(error), trace: [] };
  } catch {
    return {
      errorType: 'handled',
      errorMessage:
        'callback called with Error argument, but there was a problem while retrieving one or more of its message, name, and stack',
      trace: [],
    };
  }
};

export const serializeToJson = (value) => {
  try {
    return JSON.stringify(value === undefined ? null : value);
  } catch {
    throw new JSONStringifyError('Unable to stringify response body');
  }
};

const withEnumerableProperties = (value) => {
  if (!(value instanceof Error)) return value;
  const shown = { errorType: value.name, errorMessage: value.message, code: value.code, ...value };
  if (typeof value.stack === 'string') shown.stack = value.stack.split('\n');
  return shown;
};

const toFormatted = (error) => {
  try {
    return `\t${JSON.stringify(error, (_key, value) => withEnumerableProperties(value))}`;
  } catch {
    return `\t${JSON.stringify(formatError(error))}`;
  }
};

/** Logs an error the way the runtime does (`Invoke Error`, `Init Error`). */
export const logError = (message, error) => {
  console.error(message, toFormatted(intoError(error)));
};
