/**
 * A call record that breaks the rules of `checkCallRecord`: a value missing, of the wrong type or out of
 * its bound. Such a record is rejected with this reason wherever it is met, never reshaped or summed.
 */
export class MalformedCallRecordError extends Error {
  /** The offending field, e.g. `usage.inputTokens` or `tags[3]`. */
  public readonly field: string;
  public constructor(field: string, message: string, options?: ErrorOptions) {
    super(`malformed call record: ${field} ${message}`, options);
    this.name = 'MalformedCallRecordError';
    this.field = field;
  }
}
