/** Base error of the local stack: something it needs is missing or cannot start. */
export class LocalStackError extends Error {
  public constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'LocalStackError';
  }
}

/** A port the stack was told to use is taken by another process. */
export class PortInUseError extends LocalStackError {
  public readonly port: number;
  public constructor(what: string, port: number, options?: ErrorOptions) {
    super(
      `${what} cannot listen on 127.0.0.1:${port}: the port is in use (set PORT to use another one)`,
      options,
    );
    this.name = 'PortInUseError';
    this.port = port;
  }
}

/** The demo found no running stack to send its data to. */
export class StackNotRunningError extends LocalStackError {
  public constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'StackNotRunningError';
  }
}

/** Raised when the monitoring API answers with an error status. */
export class MonitorApiError extends LocalStackError {
  public readonly status: number;
  public constructor(path: string, status: number, body: string) {
    super(`GET ${path} answered ${status}: ${body.slice(0, 300)}`);
    this.name = 'MonitorApiError';
    this.status = status;
  }
}
