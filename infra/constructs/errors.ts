/** Base of every error the monitor's CDK constructs raise, so callers can catch them as one kind. */
export class ClaudeMonitorConstructError extends Error {
  public constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'ClaudeMonitorConstructError';
  }
}

/** Raised at synth time when `ClaudeMonitorProps` are invalid; `problems` names each bad prop. */
export class InvalidClaudeMonitorPropsError extends ClaudeMonitorConstructError {
  public readonly problems: readonly string[];

  public constructor(problems: readonly string[], options?: ErrorOptions) {
    super(`Invalid ClaudeMonitor props: ${problems.join('; ')}`, options);
    this.name = 'InvalidClaudeMonitorPropsError';
    this.problems = problems;
  }
}

/** Raised at synth time when `attach()` is given a function the layer cannot run in. */
export class UnsupportedFunctionError extends ClaudeMonitorConstructError {
  public constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'UnsupportedFunctionError';
  }
}
