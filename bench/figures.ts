/**
 * Every figure the benchmark produces, by its key in `bench-results.json`. A figure is a number, or null
 * when the part it measures could not run (the report then says why).
 */
import { RATE_SCENARIOS, type RateScenario } from '../functions/aggregator/realistic-workload';
import {
  COMPARED_SHARDS,
  COMPARED_WINDOWS,
  RECORD_KEYINGS,
  type RecordKeying,
  type ShardCount,
} from './stream-batch';

/** Key prefix of each measured configuration; the monitored client's figures carry none. */
export const CONFIGURATION_PREFIX = {
  monitored: '',
  otel_builtin: 'otel_builtin_',
  openllmetry: 'openllmetry_',
  openinference: 'openinference_',
} as const;
type Prefix = (typeof CONFIGURATION_PREFIX)[keyof typeof CONFIGURATION_PREFIX];

/** What is measured for each configuration against the plain SDK. */
export const PER_CONFIGURATION = [
  'added_median_ms',
  'added_p99_ms',
  'added_median_ratio',
  'stream_added_median_ms',
  'stream_added_p99_ms',
  'stream_added_median_ratio',
  'added_heap_kb_per_1000_calls',
] as const;
type PerConfiguration = (typeof PER_CONFIGURATION)[number];

export type ConfigurationFigureKey = `client.${Prefix}${PerConfiguration}`;

/** Numbers of enforced limits applying to a call that the budget phase measures. */
export const ENFORCED_LIMIT_COUNTS = [0, 1, 3] as const;
export type EnforcedLimitCount = (typeof ENFORCED_LIMIT_COUNTS)[number];

/** What is measured for each number of enforced limits against the same client without budgets. */
export const PER_LIMIT_COUNT = [
  'added_median_ms',
  'added_p99_ms',
  'flush_added_median_ms',
  'requests_per_call',
  'write_units_per_call',
] as const;
type PerLimitCount = (typeof PER_LIMIT_COUNT)[number];

export type BudgetFigureKey = `budgets.${PerLimitCount}_${EnforcedLimitCount}_limits`;

/** The key of a budget enforcement figure, e.g. `budgets.added_median_ms_3_limits`. */
export const budgetKey = (figure: PerLimitCount, limits: EnforcedLimitCount): BudgetFigureKey =>
  `budgets.${figure}_${limits}_limits`;

/** Total write units per call of a rate at one batching window, e.g. `aggregator.steady_units_per_call_window_60s`. */
export type WindowFigureKey =
  `aggregator.${RateScenario}_units_per_call_window_${(typeof COMPARED_WINDOWS)[number]}s`;

export const windowKey = (
  scenario: RateScenario,
  windowSeconds: (typeof COMPARED_WINDOWS)[number],
): WindowFigureKey => `aggregator.${scenario}_units_per_call_window_${windowSeconds}s`;

/**
 * Total write units per call of a rate with the call records on `n` stream shards, keyed by session or by call
 * id, e.g. `aggregator.busy_units_per_call_shards_16_session`.
 */
export type ShardFigureKey = `aggregator.${RateScenario}_units_per_call_shards_${ShardCount}_${RecordKeying}`;

export const shardKey = (scenario: RateScenario, shards: ShardCount, keying: RecordKeying): ShardFigureKey =>
  `aggregator.${scenario}_units_per_call_shards_${shards}_${keying}`;

const OTHER_KEYS = [
  'client.plain_median_ms',
  'client.plain_p99_ms',
  'client.plain_stream_median_ms',
  'client.plain_stream_p99_ms',
  'client.flush_median_ms',
  'client.flush_p99_ms',
  'client.records_per_flush',
  'client.records_written',
  'client.records_not_written',
  'client.record_bytes',
  'client.record_write_units',
  'client.metric_log_bytes_per_flush',
  'client.metric_log_bytes_per_flush_before',
  'client.cold_start_plain_ms',
  'client.cold_start_monitored_ms',
  'client.cold_start_added_ms',
  'client.layer_zip_bytes',
  'client.zero_code_added_median_ms',
  'client.zero_code_stream_added_median_ms',
  'client.zero_code_explicit_added_median_ms',
  'client.zero_code_explicit_stream_added_median_ms',
  'client.zero_code_invocation_end_median_ms',
  'client.zero_code_invocation_end_p99_ms',
  'client.explicit_invocation_end_median_ms',
  'client.explicit_invocation_end_p99_ms',
  'client.zero_code_calls',
  'client.zero_code_records_stored',
  'client.cold_start_unwrapped_ms',
  'client.cold_start_wrapped_ms',
  'client.cold_start_wrapper_added_ms',
  'budgets.dynamodb_update_median_ms',
  'aggregator.write_requests_per_call',
  'aggregator.write_units_per_call',
  'aggregator.write_units_per_call_before',
  'aggregator.write_units_per_call_reported_local',
  'aggregator.read_units_per_call',
  'aggregator.records_per_second',
  'aggregator.calls',
  'aggregator.batch_size',
  'aggregator.batch_size_before',
  'aggregator.steady_batch_size',
  'aggregator.batching_window_seconds',
  'aggregator.event_record_bytes',
  'aggregator.ledger_units_per_call',
  'aggregator.rollup_units_per_call',
  'aggregator.rollup_units_per_call_before',
  'aggregator.session_index_units_per_call',
  'aggregator.session_index_units_per_call_before',
  'aggregator.rollup_item_bytes_avg',
  'aggregator.rollup_item_bytes_max',
  'aggregator.distinct_keys_per_batch',
  'aggregator.steady_write_units_per_call',
  'aggregator.steady_write_units_per_call_before',
  'aggregator.steady_distinct_keys_per_batch',
  'aggregator.pair_units_per_call',
  'aggregator.steady_pair_units_per_call',
  'aggregator.pair_item_bytes_max',
  'aggregator.metric_log_bytes_per_call',
  'aggregator.live_table_write_units_per_call',
  'aggregator.steady_live_table_write_units_per_call',
  'aggregator.steady_metric_log_bytes_per_call',
  'concurrency.invocations',
  'concurrency.calls',
  'concurrency.transactions',
  'concurrency.conflicts',
  'concurrency.redelivered_records',
  'reads.items_1d',
  'reads.items_30d',
  'reads.read_units_1d',
  'reads.read_units_30d',
  'reads.median_ms_1d',
  'reads.median_ms_30d',
  'reads.calls_seeded',
  'reads.items_30d_small',
  'dollars.aws_usd_per_million_calls',
  'dollars.aws_usd_per_million_calls_before',
  'dollars.aws_usd_per_million_calls_live_table',
  'dollars.dynamodb_record_writes_usd',
  'dollars.dynamodb_aggregator_usd',
  'dollars.aggregator_lambda_usd',
  'dollars.caller_lambda_added_usd',
  'dollars.metric_logs_usd',
  'dollars.api_usd',
  'dollars.storage_usd_per_million_calls_retained',
  'dollars.claude_usd_per_million_calls',
  'dollars.aws_share_of_claude_spend_percent',
] as const;

export type FigureKey =
  | ConfigurationFigureKey
  | BudgetFigureKey
  | WindowFigureKey
  | ShardFigureKey
  | (typeof OTHER_KEYS)[number];

/** The key of a per-configuration figure, e.g. `client.openllmetry_added_median_ms`. */
export const configurationKey = (prefix: Prefix, figure: PerConfiguration): ConfigurationFigureKey =>
  `client.${prefix}${figure}`;

export const FIGURE_KEYS: readonly FigureKey[] = [
  ...Object.values(CONFIGURATION_PREFIX).flatMap((prefix) =>
    PER_CONFIGURATION.map((figure) => configurationKey(prefix, figure)),
  ),
  ...ENFORCED_LIMIT_COUNTS.flatMap((limits) => PER_LIMIT_COUNT.map((figure) => budgetKey(figure, limits))),
  ...(Object.keys(RATE_SCENARIOS) as RateScenario[]).flatMap((scenario) =>
    COMPARED_WINDOWS.map((windowSeconds) => windowKey(scenario, windowSeconds)),
  ),
  ...(Object.keys(RATE_SCENARIOS) as RateScenario[]).flatMap((scenario) =>
    COMPARED_SHARDS.flatMap((shards) =>
      (Object.keys(RECORD_KEYINGS) as RecordKeying[]).map((keying) => shardKey(scenario, shards, keying)),
    ),
  ),
  ...OTHER_KEYS,
];

export type BenchFigures = Record<FigureKey, number | null>;
