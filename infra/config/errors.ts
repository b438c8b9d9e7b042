/** Raised when the deployment configuration (config file or CDK context) cannot be used. */
export class MonitorConfigError extends Error {
  public constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'MonitorConfigError';
  }
}
