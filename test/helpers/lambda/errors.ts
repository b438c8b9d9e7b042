/**
 * Errors of the Lambda lifecycle harness. Each names what was wrong so that a failing test says why.
 */

/** Base class of every error the harness throws. */
export class LambdaHarnessError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** An option of `startLambdaFunction` is invalid; the message names it. */
export class InvalidFunctionOptionError extends LambdaHarnessError {
  constructor(
    readonly option: string,
    reason: string,
  ) {
    super(`invalid option ${option}: ${reason}`);
  }
}

/**
 * The function's environment uses names Lambda reserves, which CreateFunction refuses
 * (https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html#configuration-envvars-runtime).
 */
export class ReservedEnvironmentVariableError extends LambdaHarnessError {
  constructor(readonly names: readonly string[]) {
    super(
      `Lambda was unable to configure your environment variables because the environment variables you have provided contains reserved keys that are currently not supported for modification. Reserved keys used in this request: ${names.join(', ')}`,
    );
  }
}

/** The environment cannot do what was asked in its current state (busy, killed). */
export class EnvironmentStateError extends LambdaHarnessError {}

/** The private mount namespace the harness needs cannot be created here (not root, or unshare refused). */
export class MountNamespaceUnavailableError extends LambdaHarnessError {}

/** The runtime broke the harness's expectations (a process that does not stop, a protocol violation). */
export class RuntimeProtocolError extends LambdaHarnessError {}
