import { formatBreakdown } from './breakdown-report';
import { COST_ASSUMPTIONS } from './dollars';
import {
  budgetKey,
  CONFIGURATION_PREFIX,
  configurationKey,
  ENFORCED_LIMIT_COUNTS,
  FIGURE_KEYS,
} from './figures';
import { formatPairCosts } from './pair-report';
import { AWS_PRICES, PRICE_REGION, PRICES_CHECKED_ON } from './prices';
import type { BenchResults } from './run-bench';
import { judgeTargets } from './targets';

const LABELS: Record<keyof typeof CONFIGURATION_PREFIX, string> = {
  monitored: 'monitored client',
  otel_builtin: "SDK's built-in OpenTelemetry",
  openllmetry: 'OpenLLMetry',
  openinference: 'OpenInference',
};

const num = (value: number | null, digits = 3, sign = false): string => {
  if (value === null) return 'missing';
  const text = value.toFixed(digits);
  return sign && value >= 0 ? `+${text}` : text;
};

/** Whole numbers with thousands separators. */
const count = (value: number | null): string =>
  value === null ? 'missing' : Math.round(value).toLocaleString('en-US');

const row = (cells: string[], widths: number[]): string =>
  cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ');

/** The readable report: tables of every figure, the targets with PASS/MISS, and what is missing. */
export const formatReport = (results: BenchResults): string => {
  const f = results.figures;
  const m = results.meta;
  const lines: string[] = [];
  lines.push(
    `Claude monitor benchmark · ${m.runDate} · Node ${m.nodeVersion} · ${m.cpuModel} (${m.cpus} CPUs)${m.quick ? ' · QUICK' : ''}`,
    '',
    `Per-call overhead against the local stub: ${m.calls} interleaved rounds per mode, one call per configuration`,
    'per round in rotating order, each configuration on its own copy of the SDK. "+median" is the median of',
    'per-round differences to the plain SDK; "+p99" is p99(configuration) − p99(plain); ratio = median ÷ plain median.',
    '',
  );
  const widths = [30, 10, 9, 7, 10, 9, 7, 12];
  lines.push(
    row(['configuration', '+median', '+p99', 'ratio', 'stream +med', '+p99', 'ratio', 'heap KB/1k'], widths),
    row(
      [
        'plain SDK (floor), absolute',
        num(f['client.plain_median_ms']),
        num(f['client.plain_p99_ms']),
        '1',
        num(f['client.plain_stream_median_ms']),
        num(f['client.plain_stream_p99_ms']),
        '1',
        '0',
      ],
      widths,
    ),
  );
  for (const [name, prefix] of Object.entries(CONFIGURATION_PREFIX)) {
    const k = (figure: Parameters<typeof configurationKey>[1]) => f[configurationKey(prefix, figure)];
    lines.push(
      row(
        [
          LABELS[name as keyof typeof LABELS],
          num(k('added_median_ms'), 3, true),
          num(k('added_p99_ms'), 3, true),
          num(k('added_median_ratio')),
          num(k('stream_added_median_ms'), 3, true),
          num(k('stream_added_p99_ms'), 3, true),
          num(k('stream_added_median_ratio')),
          num(k('added_heap_kb_per_1000_calls'), 1),
        ],
        widths,
      ),
    );
  }
  lines.push(
    "(all times in ms; heap = retained heap after 1,000 calls minus the plain SDK's, before the end-of-invocation flush)",
    '',
    `Flush at the end of an invocation (${count(f['client.records_per_flush'])} record): median ${num(f['client.flush_median_ms'])} ms, p99 ${num(f['client.flush_p99_ms'])} ms; ${count(f['client.records_written'])} records stored (${count(f['client.records_not_written'])} reported not written), ${count(f['client.record_bytes'])} bytes each on average (${num(f['client.record_write_units'], 2)} write units)`,
    `Cold start (import + construct, median of fresh processes): plain ${num(f['client.cold_start_plain_ms'], 1)} ms, monitored ${num(f['client.cold_start_monitored_ms'], 1)} ms (${num(f['client.cold_start_added_ms'], 1, true)} ms)`,
    `Layer zip: ${count(f['client.layer_zip_bytes'])} bytes`,
    `Zero-code (no code change) next to the explicit client, same rounds: added median per call ${num(f['client.zero_code_added_median_ms'], 3, true)} ms create, ${num(f['client.zero_code_stream_added_median_ms'], 3, true)} ms stream (explicit ${num(f['client.zero_code_explicit_added_median_ms'], 3, true)} / ${num(f['client.zero_code_explicit_stream_added_median_ms'], 3, true)} ms); end of an invocation of one call as the caller waits for it: median ${num(f['client.zero_code_invocation_end_median_ms'])} ms, p99 ${num(f['client.zero_code_invocation_end_p99_ms'])} ms (explicit ${num(f['client.explicit_invocation_end_median_ms'])} / ${num(f['client.explicit_invocation_end_p99_ms'])} ms); ${count(f['client.zero_code_records_stored'])} records stored for ${count(f['client.zero_code_calls'])} calls`,
    `Init with the wrapper handler in front (load the handler module, median of fresh processes): ${num(f['client.cold_start_unwrapped_ms'], 1)} ms without, ${num(f['client.cold_start_wrapped_ms'], 1)} ms with (${num(f['client.cold_start_wrapper_added_ms'], 1, true)} ms)`,
    '',
    'Budget enforcement (docs/budgets.md), against the same monitored client without budgets; DynamoDB Local on',
    'loopback stands in for DynamoDB in the region (single-digit ms per request there, as AWS states it):',
    row(
      ['enforced limits on the call', '+median', '+p99', 'flush +med', 'requests', 'write units'],
      [30, 10, 9, 11, 9, 12],
    ),
    ...ENFORCED_LIMIT_COUNTS.map((n) =>
      row(
        [
          `${n}`,
          num(f[budgetKey('added_median_ms', n)], 3, true),
          num(f[budgetKey('added_p99_ms', n)], 3, true),
          num(f[budgetKey('flush_added_median_ms', n)], 3, true),
          num(f[budgetKey('requests_per_call', n)], 2),
          num(f[budgetKey('write_units_per_call', n)], 2),
        ],
        [30, 10, 9, 11, 9, 12],
      ),
    ),
    `(ms per call; "flush" is the end of the invocation, which waits for the settlements; requests and write units per call; one bare conditional UpdateItem on this DynamoDB Local: median ${num(f['budgets.dynamodb_update_median_ms'])} ms)`,
    '',
    `Aggregation, busy rate (${count(f['aggregator.calls'])} calls, batches of ${count(f['aggregator.batch_size'])}): ${num(f['aggregator.write_requests_per_call'], 4)} write requests per call; ${num(f['aggregator.write_units_per_call'], 3)} billed write units per call (${num(f['aggregator.write_units_per_call_before'], 3)} as laid out before; DynamoDB Local reported ${num(f['aggregator.write_units_per_call_reported_local'], 3)}), ${num(f['aggregator.read_units_per_call'], 3)} read units; ${count(f['aggregator.records_per_second'])} records/s per invocation`,
    ...(results.aggregation ? [...formatBreakdown(results.aggregation), ''] : []),
    ...(results.aggregation ? [...formatPairCosts(results.aggregation), ''] : []),
    `Concurrency: ${count(f['concurrency.invocations'])} aggregator invocations at once over ${count(f['concurrency.calls'])} calls of the busy mix: ${count(f['concurrency.transactions'])} transactions committed, ${count(f['concurrency.conflicts'])} cancelled for conflicts on hot rollups and retried, ${count(f['concurrency.redelivered_records'])} records redelivered; every call committed once`,
    `Summary reads at ${count(f['reads.calls_seeded'])} calls: 1-day ${count(f['reads.items_1d'])} items, ${num(f['reads.read_units_1d'], 1)} read units (median ${num(f['reads.median_ms_1d'], 2)} ms), 30-day ${count(f['reads.items_30d'])} items, ${num(f['reads.read_units_30d'], 1)} read units (median ${num(f['reads.median_ms_30d'], 2)} ms); 30-day at 10,000 calls with their raw records stored: ${count(f['reads.items_30d_small'])} items`,
    '',
    `Dollars per million monitored calls (AWS list prices, ${PRICE_REGION}, checked ${PRICES_CHECKED_ON}; storage not included):`,
    `  DynamoDB call-record writes                        $${num(f['dollars.dynamodb_record_writes_usd'], 4)}`,
    `  DynamoDB aggregator reads and writes                $${num(f['dollars.dynamodb_aggregator_usd'], 4)}`,
    `  aggregator Lambda (arm64, ${COST_ASSUMPTIONS.aggregatorMemoryMb} MB)                  $${num(f['dollars.aggregator_lambda_usd'], 4)}`,
    `  caller Lambda added duration (${COST_ASSUMPTIONS.callerMemoryMb} MB, flush/call)   $${num(f['dollars.caller_lambda_added_usd'], 4)}`,
    `  CloudWatch Logs for EMF metric lines               $${num(f['dollars.metric_logs_usd'], 4)}`,
    `  API: ${COST_ASSUMPTIONS.apiRequestsPerMillionCalls} summaries (HTTP API + Lambda + reads)       $${num(f['dollars.api_usd'], 4)}`,
    `  total AWS                                          $${num(f['dollars.aws_usd_per_million_calls'], 4)}`,
    `  total AWS, the same calls as laid out before (all-attributes group-by index, session index, session totals and months)  $${num(f['dollars.aws_usd_per_million_calls_before'], 4)}`,
    `  total AWS on a live table (each rollup's index entry written once per hour or day)  $${num(f['dollars.aws_usd_per_million_calls_live_table'], 4)}`,
    `  Claude spend of the typical mix                    $${num(f['dollars.claude_usd_per_million_calls'], 2)}  (AWS = ${num(f['dollars.aws_share_of_claude_spend_percent'], 5)}% of it)`,
    `  storage of the million records over ${COST_ASSUMPTIONS.retentionDays} days            $${num(f['dollars.storage_usd_per_million_calls_retained'], 4)}`,
  );
  if (results.dollars) {
    lines.push('Hosted alternatives, list price for one month with one million calls:');
    for (const h of results.dollars.hosted) {
      const usd =
        h.usdPerMillionCalls === undefined ? 'no list price' : `$${h.usdPerMillionCalls.toFixed(2)}`;
      lines.push(`  ${h.name} (${h.plan}): ${usd} — ${h.assumption}`);
    }
  }
  lines.push('', 'Targets:');
  for (const t of judgeTargets(f)) lines.push(`  ${t.status.padEnd(7)} ${t.target}: ${t.measured}`);
  const byReason = new Map<string, string[]>();
  for (const [key, reason] of Object.entries(results.missing))
    byReason.set(reason, [...(byReason.get(reason) ?? []), key]);
  if (byReason.size > 0) {
    lines.push('', 'Missing figures:');
    for (const [reason, keys] of byReason)
      lines.push(`  ${keys.length} figure(s) (${keys[0]}, …): ${reason}`);
  }
  if (results.notes.length > 0) lines.push('', ...results.notes.map((note) => `Note: ${note}`));
  return lines.join('\n');
};

/** `bench-results.json`: run facts, every figure under its flat dotted key, targets, prices and sources. */
export const toJson = (results: BenchResults): Record<string, unknown> => ({
  run_date: results.meta.runDate,
  node_version: results.meta.nodeVersion,
  cpu_model: results.meta.cpuModel,
  cpu_count: results.meta.cpus,
  quick: results.meta.quick,
  rounds_per_mode: results.meta.calls,
  ...Object.fromEntries(FIGURE_KEYS.map((key) => [key, results.figures[key]])),
  targets: judgeTargets(results.figures),
  missing: results.missing,
  notes: results.notes,
  cost_assumptions: COST_ASSUMPTIONS,
  aws_prices: { region: PRICE_REGION, checked_on: PRICES_CHECKED_ON, ...AWS_PRICES },
  hosted_alternatives: results.dollars?.hosted ?? [],
  aggregation_by_item_type: results.aggregation ?? null,
});
