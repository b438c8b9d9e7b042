import { describe, expect, inject, it } from 'vitest';
import { FIGURE_KEYS, type FigureKey } from '../../../bench/figures';
import { formatReport, toJson } from '../../../bench/report';
import { runBench } from '../../../bench/run-bench';

/** The keys the benchmark issue requires in `bench-results.json`. */
const REQUIRED_KEYS = [
  'client.added_median_ms',
  'client.added_median_ratio',
  'client.added_p99_ms',
  'client.otel_builtin_added_median_ms',
  'client.openllmetry_added_median_ms',
  'client.layer_zip_bytes',
  'aggregator.write_requests_per_call',
  'aggregator.write_units_per_call',
  'aggregator.records_per_second',
  'reads.items_1d',
  'reads.items_30d',
  'dollars.aws_usd_per_million_calls',
  'budgets.added_median_ms_0_limits',
  'budgets.added_median_ms_1_limits',
  'budgets.added_median_ms_3_limits',
  'budgets.write_units_per_call_1_limits',
  'budgets.write_units_per_call_3_limits',
] as const satisfies readonly FigureKey[];

const DOLLAR_PARTS = [
  'dollars.dynamodb_record_writes_usd',
  'dollars.dynamodb_aggregator_usd',
  'dollars.aggregator_lambda_usd',
  'dollars.caller_lambda_added_usd',
  'dollars.metric_logs_usd',
  'dollars.api_usd',
] as const satisfies readonly FigureKey[];

describe('benchmark harness on a tiny workload', () => {
  it('produces every figure as a finite number, the JSON keys and a verdict for every target', async () => {
    // Prepare
    const options = { calls: 20, quick: true, dynamoEndpoint: inject('dynamoEndpoint') };

    // Act
    const results = await runBench(options);
    const json = toJson(results);
    const report = formatReport(results);

    // Assess
    expect(results.missing).toEqual({});
    for (const key of FIGURE_KEYS) expect(Number.isFinite(results.figures[key]), key).toBe(true);
    for (const key of REQUIRED_KEYS) expect(typeof json[key], key).toBe('number');
    expect(json).toMatchObject({ node_version: process.version, quick: true });
    expect(typeof json.cpu_model).toBe('string');
    expect(report).not.toMatch(/missing|MISSING/);
    expect(report.match(/^ {2}(PASS|MISS) /gm)).toHaveLength(11);
    expect(report).toMatch(/^ {2}(PASS|MISS) +AWS cost ≤ \$2.50 per million calls/m);
    // Figures that say the run did real work: every monitored call stored, every ledger put a
    // transactional write (2 units at least), summaries reading rollups only, dollars adding up.
    const f = results.figures;
    expect(f['client.records_written']).toBeGreaterThanOrEqual(2 * options.calls);
    expect(f['client.records_not_written']).toBe(0);
    expect(f['client.zero_code_records_stored']).toBe(f['client.zero_code_calls']);
    expect(f['client.zero_code_calls']).toBeGreaterThanOrEqual(4 * options.calls);
    expect(f['aggregator.write_units_per_call']).toBeGreaterThanOrEqual(2);
    expect(f['reads.items_30d_small']).toBe(f['reads.items_30d']);
    // Budget enforcement: nothing for calls no limit applies to; a reservation and a settlement per limit.
    expect(f['budgets.requests_per_call_0_limits']).toBe(0);
    expect(f['budgets.requests_per_call_1_limits']).toBeGreaterThanOrEqual(2);
    expect(f['budgets.requests_per_call_3_limits']).toBeGreaterThanOrEqual(6);
    expect(f['budgets.write_units_per_call_3_limits']).toBeGreaterThanOrEqual(6);
    const parts = DOLLAR_PARTS.reduce((sum, key) => sum + f[key]!, 0);
    expect(parts).toBeCloseTo(f['dollars.aws_usd_per_million_calls']!, 9);
  }, 600_000);
});
