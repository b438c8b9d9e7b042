/** Base of every error the reconciler raises on purpose. */
export class ReconcilerError extends Error {
  public constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'ReconcilerError';
  }
}

/** A figure of a bill that cannot be read (not a decimal, out of range, unknown currency). */
export class BilledFigureError extends ReconcilerError {
  public constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'BilledFigureError';
  }
}

/**
 * A bill could not be fetched: the provider refused (401, 403), throttled (429), failed (5xx), answered with a
 * shape the reconciler does not know, or could not be reached. The run records it and the next run retries.
 */
export class BillingSourceError extends ReconcilerError {
  /** HTTP status of the provider's answer, when there was one. */
  public readonly status?: number;

  public constructor(message: string, options: ErrorOptions & { status?: number } = {}) {
    const { status, ...errorOptions } = options;
    super(message, errorOptions);
    this.name = 'BillingSourceError';
    if (status !== undefined) this.status = status;
  }
}
