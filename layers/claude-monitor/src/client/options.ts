import { type BudgetOptions, createEnforcer, defaultEnforcer } from '../budget/budget-options';
import type { BudgetEnforcer } from '../budget/enforcer';
import type { Attribution, Provider } from '../domain/call-record';
import { ENV, readBoolean } from '../domain/env';
import { defaultSink } from '../recorder/default-sink';
import { reportMonitorFailure } from '../recorder/log-line';
import type { RecordSink } from '../recorder/sink';

/** Monitoring options of a client. */
export interface MonitorOptions {
  /** Where records go. @default the process-wide DynamoDB recorder (table from `CLAUDE_MONITOR_TABLE`) */
  sink?: RecordSink;
  /**
   * Store prompt and completion text in the record (capped at `CONTENT_LIMIT` characters each).
   * @default `CLAUDE_MONITOR_CAPTURE_CONTENT`, else false
   */
  captureContent?: boolean;
  /** Attribution for every call of this client; scopes and per-call attribution override it. @default {} */
  attribution?: Attribution;
  /** `false` passes every call straight to the SDK. @default `CLAUDE_MONITOR_ENABLED`, else true */
  enabled?: boolean;
  /** Where calls are served. @default detected from each request (Anthropic, Bedrock or Vertex endpoint) */
  provider?: Provider;
  /**
   * Budget enforcement (docs/budgets.md): options of this client's enforcer, or `false` for none.
   * @default the process-wide enforcer, on when the environment asks for it (`attach()` does)
   */
  budgets?: BudgetOptions | false;
}

/** Longest prompt or completion text stored, in characters. */
export const CONTENT_LIMIT = 32_768;

/** Monitoring settings of one client, resolved once. */
export interface ResolvedMonitor {
  readonly enabled: boolean;
  readonly captureContent: boolean;
  readonly attribution: Attribution | undefined;
  /** Set only when the caller named the provider; otherwise each request's endpoint tells. */
  readonly provider: Provider | undefined;
  sink: () => RecordSink;
  /** The budget enforcer of the client's calls, built on first use; undefined when none is on. */
  budgets: () => BudgetEnforcer | undefined;
}

const flag = (
  env: NodeJS.ProcessEnv,
  name: typeof ENV.enabled | typeof ENV.captureContent,
  fallback: boolean,
) => {
  try {
    return readBoolean(env, name, fallback);
  } catch (error) {
    reportMonitorFailure('config', error);
    return fallback;
  }
};

export const resolveMonitor = (
  options: MonitorOptions = {},
  env: NodeJS.ProcessEnv = process.env,
): ResolvedMonitor => {
  const sink = options.sink;
  let enforcer: { value: BudgetEnforcer | undefined } | undefined;
  const budgets = () => {
    enforcer ??= {
      value:
        options.budgets === undefined && env === process.env
          ? defaultEnforcer(env)
          : createEnforcer(options.budgets, env),
    };
    return enforcer.value;
  };
  return {
    enabled: options.enabled ?? flag(env, ENV.enabled, true),
    captureContent: options.captureContent ?? flag(env, ENV.captureContent, false),
    attribution: options.attribution,
    provider: options.provider,
    sink: sink ? () => sink : defaultSink,
    budgets,
  };
};
