import { installInterception } from './intercept/install';

export type { BudgetOptions } from './budget/budget-options';
export type { BudgetErrorDetails } from './budget/errors';
export { BudgetConfigError, BudgetExceededError, BudgetUnavailableError } from './budget/errors';
export { runWithBudgetOverride, withBudgetOverride } from './budget/override';
export { REFUSAL_ERROR_TYPE } from './budget/refusal-response';
export type { MonitorScope } from './client/attribution';
export {
  ATTRIBUTION_LIMITS,
  currentScope,
  runWithAttribution,
  withAttribution,
} from './client/attribution';
export { MonitorError, SummaryError } from './client/errors';
export { monitor } from './client/monitor';
export type { MonitoredAnthropicOptions } from './client/monitored-anthropic';
export { MonitoredAnthropic } from './client/monitored-anthropic';
export type { MonitorOptions } from './client/options';
export { CONTENT_LIMIT } from './client/options';
export { networkSettled } from './intercept/open-calls';
export { disableZeroCode, enableZeroCode } from './intercept/zero-code';
export { endInvocation } from './lambda/run-invocation';
export type { AsyncHandler, WithMonitoringOptions } from './lambda/with-monitoring';
export { withMonitoring } from './lambda/with-monitoring';
export * from './pricing';
export type { DynamoSinkOptions } from './recorder/dynamo-sink';
export { createDynamoSink } from './recorder/dynamo-sink';
export type { LogWriter } from './recorder/log-line';
export { setLogWriter } from './recorder/log-line';
export type { MemorySink } from './recorder/memory-sink';
export { createMemorySink } from './recorder/memory-sink';
export { flush } from './recorder/registry';
export type { FlushResult, RecordSink } from './recorder/sink';
export type { MonitoringSummary, SummaryQuery } from './summary/get-monitoring-summary';
export { getMonitoringSummary, MAX_SUMMARY_HOURS } from './summary/get-monitoring-summary';

// Clients built after this import capture the tapped `fetch`; calls are recorded only by monitored clients
// (or with zero-code recording on), everything else passes straight through.
installInterception();
