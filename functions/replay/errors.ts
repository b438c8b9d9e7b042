/** Base error of the replay function, with the cause attached. */
export class ReplayError extends Error {
  public constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'ReplayError';
  }
}
