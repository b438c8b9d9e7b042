/**
 * Errors of the layer's handler wrapper, named like the Lambda runtime's own (`Runtime.*`) so that a function
 * misconfigured behind the wrapper reports what it would report without it.
 */
export class WrapperError extends Error {
  public constructor(name: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = name;
  }
}

export class HandlerNotFoundError extends WrapperError {
  public constructor(message: string) {
    super('Runtime.HandlerNotFound', message);
  }
}

export class MalformedHandlerNameError extends WrapperError {
  public constructor(message: string) {
    super('Runtime.MalformedHandlerName', message);
  }
}

/** The wrapper was set as the handler without the function's own handler to run. */
export class MissingOriginalHandlerError extends WrapperError {
  public constructor(message: string) {
    super('Runtime.HandlerNotFound', message);
  }
}
