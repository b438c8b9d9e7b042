import { Stack } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import {
  type CfnFunction,
  type ILayerVersion,
  type Function as LambdaFunction,
  LayerVersion,
} from 'aws-cdk-lib/aws-lambda';
import { StringParameter } from 'aws-cdk-lib/aws-ssm';
import { ENV, LAYER_PATHS } from 'claude-monitor/domain';
import { UnsupportedFunctionError } from './errors';
import { LAYER_RUNTIMES, unsupportedRuntimeReason } from './layer-runtimes';
import { layerBudgetStatements, layerSummaryReadStatement, layerWriteStatement } from './table-access';

/** How a function's Claude calls are recorded. */
export const INSTRUMENTATION_MODE = {
  /**
   * No code change: the function's handler is set to the layer's wrapper, which runs the function's own
   * handler (kept in `CLAUDE_MONITOR_HANDLER`) and records every Claude call it makes.
   */
  zeroCode: 'zero-code',
  /** The function's code uses `MonitoredAnthropic`/`monitor()` and `withMonitoring` itself. */
  explicit: 'explicit',
} as const;
export type InstrumentationMode = (typeof INSTRUMENTATION_MODE)[keyof typeof INSTRUMENTATION_MODE];

/** How `attach()` sets up a monitored function. */
export interface AttachOptions {
  /**
   * `zero-code` redirects the handler to the layer's wrapper (the function's code is not changed);
   * `explicit` only adds the layer, the environment and the permission, for code that monitors itself.
   * @default 'zero-code'
   */
  readonly instrumentation?: InstrumentationMode;
  /**
   * Store prompt and completion text with each record.
   * @default false
   */
  readonly captureContent?: boolean;
  /**
   * Let the function call the layer's `getMonitoringSummary`, which queries raw call records
   * (`dynamodb:Query`, call-record partitions only).
   * @default false
   */
  readonly allowSummaryReads?: boolean;
}

/** What of the monitor an attached function needs. */
export interface AttachTarget {
  readonly table: ITable;
  readonly layer: LayerVersion;
  /** SSM parameter name holding the current layer version ARN. */
  readonly layerArnParameterName: string;
  readonly retentionDays: number;
  /** JSON of the deploy-time enforced budgets (`CLAUDE_MONITOR_BUDGETS`). */
  readonly enforcedBudgets: string;
  /** JSON of the enforcement settings (`CLAUDE_MONITOR_BUDGET_ENFORCEMENT`). */
  readonly budgetEnforcement: string;
}

const runtimeProblem = (fn: LambdaFunction): string | undefined => {
  const cfn = fn.node.defaultChild as CfnFunction | undefined;
  if (cfn?.packageType === 'Image' || cfn?.runtime === undefined) {
    return 'it is a container image function, which cannot use layers; monitor it with `MonitoredAnthropic` in its image';
  }
  if (LAYER_RUNTIMES.some((runtime) => runtime.name === fn.runtime.name)) return undefined;
  return unsupportedRuntimeReason(fn.runtime.name);
};

/**
 * The layer as the function's stack sees it. In the monitor's own stack, the layer itself. In another
 * stack, the current version read from SSM when that stack deploys: no CloudFormation export, so a new
 * layer version never blocks the monitor stack's update ("export in use"), and the function picks the new
 * version up on its next deploy.
 */
const layerFor = (fn: LambdaFunction, target: AttachTarget): ILayerVersion => {
  const fnStack = Stack.of(fn);
  const monitorStack = Stack.of(target.layer);
  if (fnStack === monitorStack) return target.layer;
  fnStack.addDependency(monitorStack, 'reads the Claude monitor layer version from SSM');
  const id = 'ClaudeMonitorLayerFromSsm';
  const existing = fnStack.node.tryFindChild(id) as ILayerVersion | undefined;
  return (
    existing ??
    LayerVersion.fromLayerVersionArn(
      fnStack,
      id,
      StringParameter.valueForStringParameter(fnStack, target.layerArnParameterName),
    )
  );
};

/**
 * Monitors the Claude calls of a function: adds the layer, the environment the layer reads, permission to
 * write call records (`BatchWriteItem` on `CALL#` partitions, no reads) and to enforce budgets (on the
 * budget partitions only, see `layerBudgetStatements`), and by default redirects its handler to the layer's
 * wrapper, so its code is left as it is.
 * @throws UnsupportedFunctionError for a runtime the layer does not run on, or a function attached twice
 */
export const attachFunction = (
  fn: LambdaFunction,
  target: AttachTarget,
  options: AttachOptions = {},
): void => {
  const problem = runtimeProblem(fn);
  if (problem)
    throw new UnsupportedFunctionError(`cannot attach the Claude monitor to ${fn.node.path}: ${problem}`);
  const cfn = fn.node.defaultChild as CfnFunction;
  if (cfn.handler === LAYER_PATHS.wrapperHandler) {
    throw new UnsupportedFunctionError(`${fn.node.path} is already attached to the Claude monitor`);
  }
  fn.addLayers(layerFor(fn, target));
  fn.addEnvironment(ENV.tableName, target.table.tableName);
  fn.addEnvironment(ENV.retentionDays, String(target.retentionDays));
  if (options.captureContent) fn.addEnvironment(ENV.captureContent, 'true');
  // Always set: budgets set later through the API reach the function without a redeploy.
  fn.addEnvironment(ENV.budgetEnforcement, target.budgetEnforcement);
  if (target.enforcedBudgets !== '[]') fn.addEnvironment(ENV.budgets, target.enforcedBudgets);
  if ((options.instrumentation ?? INSTRUMENTATION_MODE.zeroCode) === INSTRUMENTATION_MODE.zeroCode) {
    fn.addEnvironment(ENV.originalHandler, cfn.handler!);
    cfn.handler = LAYER_PATHS.wrapperHandler;
  }
  fn.addToRolePolicy(layerWriteStatement(target.table));
  for (const statement of layerBudgetStatements(target.table)) fn.addToRolePolicy(statement);
  if (options.allowSummaryReads) fn.addToRolePolicy(layerSummaryReadStatement(target.table));
};
