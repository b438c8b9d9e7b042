/** Options of {@link PricingError}: where in the price data the problem sits. */
export interface PricingErrorOptions extends ErrorOptions {
  /** Model id of the entry at fault, when the problem is in one entry. */
  model?: string;
  /** Field of the entry at fault, e.g. `input` or `longContext.thresholdTokens`. */
  field?: string;
}

/**
 * Base error of the pricing unit: price data (built-in or overrides) that cannot be used.
 * Raised at cold start while reading configuration, never while pricing a call.
 */
export class PricingError extends Error {
  public readonly model?: string;
  public readonly field?: string;

  public constructor(message: string, options: PricingErrorOptions = {}) {
    const { model, field, ...errorOptions } = options;
    const where = [
      model === undefined ? '' : `model "${model}"`,
      field === undefined ? '' : `field "${field}"`,
    ]
      .filter(Boolean)
      .join(', ');
    super(where ? `Price override for ${where}: ${message}` : message, errorOptions);
    this.name = 'PricingError';
    this.model = model;
    this.field = field;
  }
}
