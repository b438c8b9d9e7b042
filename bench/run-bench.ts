import { cpus } from 'node:os';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { setLogWriter } from 'claude-monitor';
import { localCredentials } from 'claude-monitor/aws';
import { ENV } from 'claude-monitor/domain';
import type { RateScenario } from '../functions/aggregator/realistic-workload';
import { startAnthropicStub } from '../infra/local/anthropic-stub';
import { LOCAL_REGION, startDynamoDbLocal } from '../infra/local/dynamodb-local';
import { type AggregationBreakdown, measureAggregationBreakdowns } from './aggregation-figures';
import { budgetFigureValues, measureBudgetFigures } from './budget-figures';
import { measureClientFigures } from './client-figures';
import { measureColdStart } from './cold-start';
import { CONCURRENT_INVOCATIONS, measureConcurrency } from './concurrency-figures';
import { computeDollars, type DollarFigures } from './dollars';
import { type BenchFigures, FIGURE_KEYS, type FigureKey, shardKey, windowKey } from './figures';
import { buildBenchLayer } from './layer-build';
import { withFreshTable } from './local-table';
import { pairUnitsAdded } from './pair-cost';
import { measureReadFigures } from './read-figures';
import { DEPLOYED_BATCHING } from './stream-batch';
import { measureZeroCode, measureZeroCodeColdStart } from './zero-code';

export interface BenchOptions {
  /** Timed rounds per mode (one call per configuration each). @default 2000 (quick: 20) */
  calls?: number;
  /** Small workloads everywhere, for the smoke test. @default false */
  quick?: boolean;
  /** An already running DynamoDB Local; one is started and stopped when omitted. */
  dynamoEndpoint?: string;
  /** Repository root. @default the current directory */
  repoRoot?: string;
  /** Progress lines. @default none */
  log?: (line: string) => void;
  /** Run only these phases; the figures of the others are reported missing. @default every phase */
  only?: readonly BenchPhase[];
}

/** The phases of a run, as `--only` names them. */
export const BENCH_PHASES = [
  'client',
  'budgets',
  'zero-code',
  'aggregation',
  'concurrency',
  'reads',
  'layer',
] as const;
export type BenchPhase = (typeof BENCH_PHASES)[number];

export interface BenchResults {
  meta: {
    runDate: string;
    nodeVersion: string;
    cpuModel: string;
    cpus: number;
    quick: boolean;
    calls: number;
  };
  figures: BenchFigures;
  /** Figures that could not be produced, with why. */
  missing: Record<string, string>;
  notes: string[];
  dollars?: DollarFigures;
  /** Aggregator write units by item type, per call rate scenario. */
  aggregation?: Record<RateScenario, AggregationBreakdown>;
}

const localClient = (endpoint: string) =>
  new DynamoDBClient({ endpoint, region: LOCAL_REGION, credentials: localCredentials() });

const keysStarting = (pattern: RegExp): FigureKey[] => FIGURE_KEYS.filter((key) => pattern.test(key));
const COLD_START_KEYS = keysStarting(/^client\.(cold_start|layer_zip)/);
const ZERO_CODE_KEYS = keysStarting(/^client\.(zero_code|explicit_invocation)/);
const CLIENT_KEYS = FIGURE_KEYS.filter(
  (key) => key.startsWith('client.') && !COLD_START_KEYS.includes(key) && !ZERO_CODE_KEYS.includes(key),
);

/** Environment the monitored client reads, set for the run and restored after it. */
const MONITOR_ENV = [ENV.tableName, ENV.dynamodbEndpoint, ENV.flushTimeoutMs] as const;
const BENCH_FLUSH_TIMEOUT_MS = 60_000;

const restoreEnv = (name: string, value: string | undefined): void => {
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
};

/**
 * One orchestrated benchmark run against one local Anthropic stub and one DynamoDB Local: per-call overhead,
 * aggregation, summary reads, layer size and cold start, then the dollar figures derived from them.
 * A part that fails leaves its figures null and says why in `missing`; the run goes on.
 */
export const runBench = async (options: BenchOptions = {}): Promise<BenchResults> => {
  const quick = options.quick ?? false;
  const rounds = options.calls ?? (quick ? 20 : 2_000);
  const repoRoot = options.repoRoot ?? process.cwd();
  const started = performance.now();
  const log = (line: string) =>
    options.log?.(`${((performance.now() - started) / 1_000).toFixed(1).padStart(6)} s  ${line}`);
  const figures = Object.fromEntries(FIGURE_KEYS.map((key) => [key, null])) as BenchFigures;
  const missing: Record<string, string> = {};
  const notes: string[] = [];
  const phase = async (
    id: BenchPhase,
    name: string,
    keys: readonly FigureKey[],
    step: () => Promise<void>,
  ) => {
    if (options.only && !options.only.includes(id)) {
      for (const key of keys) missing[key] ??= `not run (--only ${options.only.join(',')})`;
      return;
    }
    log(name);
    try {
      await step();
    } catch (error) {
      const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      log(`  failed: ${reason}`);
      for (const key of keys) missing[key] ??= reason;
    }
  };

  const stub = await startAnthropicStub({ logRequests: false });
  /**
   * Each phase gets a DynamoDB Local of its own (unless one is given): after a phase's heavy writes the Java
   * process stays busy for minutes, which would slow the next phase and skew its figures.
   */
  const withDynamo = async <T>(use: (client: DynamoDBClient, endpoint: string) => Promise<T>): Promise<T> => {
    const dynamo = options.dynamoEndpoint ? undefined : await startDynamoDbLocal();
    const endpoint = options.dynamoEndpoint ?? dynamo!.endpoint;
    const client = localClient(endpoint);
    try {
      return await use(client, endpoint);
    } finally {
      client.destroy();
      await dynamo?.stop();
    }
  };
  const savedEnv = Object.fromEntries(MONITOR_ENV.map((name) => [name, process.env[name]]));
  let warnings = 0;
  // The monitor's log lines (EMF metrics, warnings) would flood the report; warnings are counted instead.
  const previousWriter = setLogWriter((line) => {
    if (line.includes('"WARN"')) warnings++;
  });
  let aggregation: Record<RateScenario, AggregationBreakdown> | undefined;
  try {
    await phase(
      'client',
      `per-call overhead: ${rounds} interleaved rounds per mode, 5 configurations`,
      CLIENT_KEYS,
      () =>
        withDynamo((client, endpoint) =>
          withFreshTable(client, 'bench-calls', async (tableName) => {
            process.env[ENV.tableName] = tableName;
            process.env[ENV.dynamodbEndpoint] = endpoint;
            // The heap phase flushes a thousand records at once; the 2 s production bound would turn that
            // into log lines and leave the table short.
            process.env[ENV.flushTimeoutMs] = String(BENCH_FLUSH_TIMEOUT_MS);
            const c = await measureClientFigures({ stubUrl: stub.url, client, tableName, rounds, quick });
            Object.assign(figures, c.figures);
            notes.push(...c.notes);
          }),
        ),
    );

    const budgetRounds = Math.min(rounds, quick ? 10 : 500);
    await phase(
      'budgets',
      `budget enforcement: ${budgetRounds} interleaved rounds with 0, 1 and 3 enforced limits`,
      keysStarting(/^budgets\./),
      () =>
        withDynamo((client, endpoint) =>
          withFreshTable(client, 'bench-budgets', async (tableName) => {
            const warmupRounds = quick ? 2 : 50;
            const b = await measureBudgetFigures(
              { stubUrl: stub.url, endpoint, tableName, rounds: budgetRounds, warmupRounds },
              client,
            );
            Object.assign(figures, budgetFigureValues(b));
            const reads = b.byLimits[1].definitionReads;
            notes.push(
              `budget enforcement: ${b.calls} calls per configuration; run-time budget definitions read ${reads} time(s) by a client in the timed rounds (once per refresh interval, not per call)`,
            );
          }),
        ),
    );

    await phase(
      'zero-code',
      `zero-code next to the explicit client: ${rounds} interleaved rounds per mode, each call its own invocation`,
      ZERO_CODE_KEYS,
      () =>
        withDynamo((client, endpoint) =>
          withFreshTable(client, 'bench-zero-code', async (tableName) => {
            process.env[ENV.tableName] = tableName;
            process.env[ENV.dynamodbEndpoint] = endpoint;
            const z = await measureZeroCode({
              stubUrl: stub.url,
              client,
              tableName,
              rounds,
              warmupRounds: quick ? 2 : 200,
            });
            if (z.recordsStored !== z.monitoredCalls) {
              notes.push(
                `zero-code phase: ${z.monitoredCalls} monitored calls, ${z.recordsStored} records stored`,
              );
            }
            Object.assign(figures, {
              'client.zero_code_added_median_ms': z.zeroCodeAddedMs.create,
              'client.zero_code_stream_added_median_ms': z.zeroCodeAddedMs.stream,
              'client.zero_code_explicit_added_median_ms': z.explicitAddedMs.create,
              'client.zero_code_explicit_stream_added_median_ms': z.explicitAddedMs.stream,
              'client.zero_code_invocation_end_median_ms': z.zeroCodeEndMedianMs,
              'client.zero_code_invocation_end_p99_ms': z.zeroCodeEndP99Ms,
              'client.explicit_invocation_end_median_ms': z.explicitEndMedianMs,
              'client.explicit_invocation_end_p99_ms': z.explicitEndP99Ms,
              'client.zero_code_calls': z.monitoredCalls,
              'client.zero_code_records_stored': z.recordsStored,
            });
          }),
        ),
    );

    await phase(
      'aggregation',
      'aggregation: the realistic workload through the aggregator, busy and steady call rates',
      keysStarting(/^aggregator\./),
      // Each run of the phase gets a DynamoDB Local of its own, for the reason above.
      async () => {
        aggregation = await measureAggregationBreakdowns({ withClient: withDynamo, quick });
        Object.assign(figures, aggregationFigures(aggregation));
      },
    );

    await phase(
      'concurrency',
      `concurrency: ${CONCURRENT_INVOCATIONS} aggregator invocations at once on the same hot rollups`,
      keysStarting(/^concurrency\./),
      () =>
        withDynamo((client) =>
          withFreshTable(client, 'bench-concurrency', async (tableName) => {
            const c = await measureConcurrency({ client, tableName, quick });
            Object.assign(figures, {
              'concurrency.invocations': c.invocations,
              'concurrency.calls': c.committed,
              'concurrency.transactions': c.transactions,
              'concurrency.conflicts': c.conflicts,
              'concurrency.redelivered_records': c.redelivered,
            });
          }),
        ),
    );

    await phase(
      'reads',
      'reads: 1-day and 30-day summaries over rollups of 1,000,000 calls',
      keysStarting(/^reads\./),
      () =>
        withDynamo(async (_client, endpoint) => {
          const r = await measureReadFigures({ newClient: () => localClient(endpoint), quick });
          Object.assign(figures, {
            'reads.items_1d': r.items1d,
            'reads.items_30d': r.items30d,
            'reads.read_units_1d': r.units1d,
            'reads.read_units_30d': r.units30d,
            'reads.median_ms_1d': r.medianMs1d,
            'reads.median_ms_30d': r.medianMs30d,
            'reads.calls_seeded': r.calls,
            'reads.items_30d_small': r.items30dSmall,
          });
        }),
    );

    await phase(
      'layer',
      'layer zip and cold start (import + construct in fresh processes)',
      COLD_START_KEYS,
      async () => {
        const layer = await buildBenchLayer();
        try {
          figures['client.layer_zip_bytes'] = layer.zipBytes;
          const cold = await measureColdStart({ layer, cwd: repoRoot, repetitions: quick ? 1 : 10 });
          figures['client.cold_start_plain_ms'] = cold.plainMs;
          figures['client.cold_start_monitored_ms'] = cold.monitoredMs;
          figures['client.cold_start_added_ms'] = cold.addedMs;
          const wrapped = await measureZeroCodeColdStart(layer, quick ? 1 : 10);
          figures['client.cold_start_unwrapped_ms'] = wrapped.plainMs;
          figures['client.cold_start_wrapped_ms'] = wrapped.wrappedMs;
          figures['client.cold_start_wrapper_added_ms'] = wrapped.addedMs;
        } finally {
          layer.remove();
        }
      },
    );
  } finally {
    setLogWriter(previousWriter);
    for (const name of MONITOR_ENV) restoreEnv(name, savedEnv[name]);
    await stub.close();
  }
  if (warnings > 0) notes.push(`the monitor logged ${warnings} warning lines during the run`);

  const dollars = dollarsOf(figures);
  // The same run priced with the earlier layout's billing of the same writes (aggregation breakdown).
  const dollarsBefore = dollarsOf({
    ...figures,
    'aggregator.write_units_per_call': figures['aggregator.write_units_per_call_before'],
    'aggregator.session_index_units_per_call': figures['aggregator.session_index_units_per_call_before'],
    'client.metric_log_bytes_per_flush': figures['client.metric_log_bytes_per_flush_before'],
    'aggregator.metric_log_bytes_per_call': 0,
  });
  // And with the index entries a live table writes instead of a fresh one's.
  const dollarsLive = dollarsOf({
    ...figures,
    'aggregator.write_units_per_call': figures['aggregator.live_table_write_units_per_call'],
  });
  if (dollars && dollarsBefore && dollarsLive) {
    Object.assign(figures, dollarFigures(dollars));
    figures['dollars.aws_usd_per_million_calls_before'] = dollarsBefore.awsUsdPerMillionCalls;
    figures['dollars.aws_usd_per_million_calls_live_table'] = dollarsLive.awsUsdPerMillionCalls;
  } else {
    for (const key of keysStarting(/^dollars\./))
      missing[key] ??= 'an input figure of the cost model is missing';
  }
  log('done');

  return {
    meta: {
      runDate: new Date().toISOString(),
      nodeVersion: process.version,
      cpuModel: cpus()[0]?.model ?? 'unknown',
      cpus: cpus().length,
      quick,
      calls: rounds,
    },
    figures,
    missing,
    notes,
    ...(dollars ? { dollars } : {}),
    ...(aggregation ? { aggregation } : {}),
  };
};

/** Flat figures of the aggregation: the busy rate (batches as deployed) feeds the dollars. */
const aggregationFigures = (
  a: Record<RateScenario, AggregationBreakdown>,
): Partial<Record<FigureKey, number>> => ({
  'aggregator.write_requests_per_call': a.busy.writeRequestsPerCall,
  'aggregator.write_units_per_call': a.busy.writeUnitsPerCall,
  'aggregator.write_units_per_call_before': a.busy.writeUnitsPerCallBefore,
  'aggregator.write_units_per_call_reported_local': a.busy.reportedWriteUnitsPerCall,
  'aggregator.read_units_per_call': a.busy.readUnitsPerCall,
  'aggregator.records_per_second': a.busy.recordsPerSecond,
  'aggregator.calls': a.busy.calls,
  'aggregator.batch_size': a.busy.batchSize,
  'aggregator.batch_size_before': a.busy.batchSizeBefore,
  'aggregator.steady_batch_size': a.steady.batchSize,
  'aggregator.batching_window_seconds': DEPLOYED_BATCHING.windowSeconds,
  'aggregator.event_record_bytes': a.busy.eventRecordBytes,
  ...Object.fromEntries(
    (Object.keys(a) as RateScenario[]).flatMap((scenario) =>
      a[scenario].windows.map((w) => [windowKey(scenario, w.windowSeconds), w.totalWriteUnitsPerCall]),
    ),
  ),
  ...Object.fromEntries(
    (Object.keys(a) as RateScenario[]).flatMap((scenario) =>
      a[scenario].shards.map((s) => [shardKey(scenario, s.shards, s.keying), s.totalWriteUnitsPerCall]),
    ),
  ),
  'aggregator.ledger_units_per_call': a.busy.ledger.unitsPerCall,
  'aggregator.rollup_units_per_call': a.busy.rollupWriteUnitsPerCall,
  'aggregator.rollup_units_per_call_before': a.busy.rollupWriteUnitsPerCallBefore,
  'aggregator.session_index_units_per_call': a.busy.sessionIndex.unitsPerCall,
  'aggregator.session_index_units_per_call_before': a.busy.sessionIndex.unitsPerCallBefore,
  'aggregator.rollup_item_bytes_avg': a.busy.rollupItemBytes.average,
  'aggregator.rollup_item_bytes_max': a.busy.rollupItemBytes.largest,
  'aggregator.distinct_keys_per_batch': a.busy.distinctKeysPerBatch.average,
  'aggregator.steady_write_units_per_call': a.steady.writeUnitsPerCall,
  'aggregator.steady_write_units_per_call_before': a.steady.writeUnitsPerCallBefore,
  'aggregator.steady_distinct_keys_per_batch': a.steady.distinctKeysPerBatch.average,
  'aggregator.pair_units_per_call': pairUnitsAdded(a.busy.pairs),
  'aggregator.steady_pair_units_per_call': pairUnitsAdded(a.steady.pairs),
  'aggregator.pair_item_bytes_max': Math.max(...Object.values(a.busy.pairs).map((c) => c.largestBytes)),
  'aggregator.metric_log_bytes_per_call': a.busy.metricLogBytesPerCall,
  'aggregator.steady_metric_log_bytes_per_call': a.steady.metricLogBytesPerCall,
  'aggregator.live_table_write_units_per_call': a.busy.liveTable.writeUnitsPerCall,
  'aggregator.steady_live_table_write_units_per_call': a.steady.liveTable.writeUnitsPerCall,
});

/** The cost model over this run's figures, or undefined when one of its inputs is missing. */
const dollarsOf = (f: BenchFigures): DollarFigures | undefined => {
  const inputs = {
    recordWriteUnits: f['client.record_write_units'],
    sessionIndexWriteUnits: f['aggregator.session_index_units_per_call'],
    recordBytes: f['client.record_bytes'],
    aggregatorWriteUnitsPerCall: f['aggregator.write_units_per_call'],
    aggregatorReadUnitsPerCall: f['aggregator.read_units_per_call'],
    aggregatorRecordsPerSecond: f['aggregator.records_per_second'],
    aggregatorBatchSize: f['aggregator.batch_size'],
    recordsPerFlush: f['client.records_per_flush'],
    callerAddedMs: f['client.added_median_ms'],
    flushMs: f['client.flush_median_ms'],
    metricLogBytesPerFlush: f['client.metric_log_bytes_per_flush'],
    aggregatorMetricLogBytesPerCall: f['aggregator.metric_log_bytes_per_call'],
    summaryItems: f['reads.items_30d'],
    summaryMs: f['reads.median_ms_30d'],
  };
  if (Object.values(inputs).some((value) => value === null)) return undefined;
  return computeDollars(inputs as { [K in keyof typeof inputs]: number });
};

const dollarFigures = (d: DollarFigures): Partial<Record<FigureKey, number>> => ({
  'dollars.aws_usd_per_million_calls': d.awsUsdPerMillionCalls,
  'dollars.dynamodb_record_writes_usd': d.parts.recordWrites,
  'dollars.dynamodb_aggregator_usd': d.parts.aggregatorDynamo,
  'dollars.aggregator_lambda_usd': d.parts.aggregatorLambda,
  'dollars.caller_lambda_added_usd': d.parts.callerLambdaDuration,
  'dollars.metric_logs_usd': d.parts.metricLogs,
  'dollars.api_usd': d.parts.api,
  'dollars.storage_usd_per_million_calls_retained': d.storageUsdPerMillionCallsRetained,
  'dollars.claude_usd_per_million_calls': d.claudeUsdPerMillionCalls,
  'dollars.aws_share_of_claude_spend_percent': d.awsShareOfClaudeSpendPercent,
});
