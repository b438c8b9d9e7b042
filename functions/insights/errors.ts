/** Base of the errors the insights job raises on purpose. */
export class InsightsError extends Error {
  public constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'InsightsError';
  }
}
