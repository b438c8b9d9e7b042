/**
 * Where the layer's pieces are in a Lambda execution environment (the layer is extracted to `/opt`). The
 * layer build, `attach()` and the docs all take these from here.
 */
export const LAYER_PATHS = {
  /** The monitor's handler, which runs the function's own handler named by `CLAUDE_MONITOR_HANDLER`. */
  wrapperHandler: '/opt/nodejs/node_modules/claude-monitor/lambda-wrapper.handler',
  /** The exec wrapper script, for `AWS_LAMBDA_EXEC_WRAPPER`: redirects the handler with no configuration change. */
  execWrapper: '/opt/claude-monitor',
} as const;
