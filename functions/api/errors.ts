/** Base of every error the API raises on purpose; anything else is answered with a bare 500. */
export class ApiError extends Error {
  public readonly status: number;
  public constructor(status: number, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'ApiError';
    this.status = status;
  }
}

/** A query parameter that cannot be used: 400, and the body names the parameter. */
export class BadRequestError extends ApiError {
  public readonly parameter: string;
  public constructor(parameter: string, message: string, options?: ErrorOptions) {
    super(400, message, options);
    this.name = 'BadRequestError';
    this.parameter = parameter;
  }
}

/** Missing or wrong credentials: 401. */
export class UnauthorizedError extends ApiError {
  public constructor(message = 'authentication required', options?: ErrorOptions) {
    super(401, message, options);
    this.name = 'UnauthorizedError';
  }
}

/** The thing the request names does not exist: 404. */
export class NotFoundError extends ApiError {
  public constructor(message: string, options?: ErrorOptions) {
    super(404, message, options);
    this.name = 'NotFoundError';
  }
}

/** `If-Match` named a version that is no longer the current one: 412, nothing was changed. */
export class PreconditionFailedError extends ApiError {
  public constructor(message: string, options?: ErrorOptions) {
    super(412, message, options);
    this.name = 'PreconditionFailedError';
  }
}

/** Concurrent changes kept winning over this one: 409, nothing was changed; the client may try again. */
export class ConflictError extends ApiError {
  public constructor(message: string, options?: ErrorOptions) {
    super(409, message, options);
    this.name = 'ConflictError';
  }
}

/** The API token cannot be loaded (secret missing or unreadable). */
export class TokenSourceError extends ApiError {
  public constructor(message: string, options?: ErrorOptions) {
    super(500, message, options);
    this.name = 'TokenSourceError';
  }
}
