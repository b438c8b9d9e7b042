/** Base of every error the benchmark raises. */
export class BenchError extends Error {
  public constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'BenchError';
  }
}

/** A configuration under test did not behave like the plain SDK (wrong answer, missing spans or records). */
export class BenchVerificationError extends BenchError {
  public readonly configuration: string;
  public constructor(configuration: string, message: string, options?: ErrorOptions) {
    super(`${configuration}: ${message}`, options);
    this.name = 'BenchVerificationError';
    this.configuration = configuration;
  }
}

/** A child process of the cold-start measurement failed or printed something unreadable. */
export class ColdStartError extends BenchError {
  public constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'ColdStartError';
  }
}
