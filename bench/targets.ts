import type { BenchFigures } from './figures';

export const TARGET_STATUS = { pass: 'PASS', miss: 'MISS', missing: 'MISSING' } as const;
export type TargetStatus = (typeof TARGET_STATUS)[keyof typeof TARGET_STATUS];

export interface TargetResult {
  target: string;
  measured: string;
  status: TargetStatus;
}

const fmt = (value: number, digits = 3): string => value.toFixed(digits);

/** `check` runs only when every figure it needs is present. */
const target = (
  name: string,
  figures: BenchFigures,
  keys: readonly (keyof BenchFigures)[],
  check: (values: number[]) => { ok: boolean; measured: string },
): TargetResult => {
  const values = keys.map((key) => figures[key]);
  if (values.some((value) => value === null)) {
    return { target: name, measured: 'not measured', status: TARGET_STATUS.missing };
  }
  const { ok, measured } = check(values as number[]);
  return { target: name, measured, status: ok ? TARGET_STATUS.pass : TARGET_STATUS.miss };
};

/** The product's targets from the benchmark issue, judged on this run's figures. */
export const judgeTargets = (f: BenchFigures): TargetResult[] => [
  target('added median < 0.1 ms (create)', f, ['client.added_median_ms'], ([added]) => ({
    ok: added! < 0.1,
    measured: `${fmt(added!)} ms`,
  })),
  target('added median < 0.1 ms (stream)', f, ['client.stream_added_median_ms'], ([added]) => ({
    ok: added! < 0.1,
    measured: `${fmt(added!)} ms`,
  })),
  target('monitored ÷ plain median < 1.15 (create)', f, ['client.added_median_ratio'], ([ratio]) => ({
    ok: ratio! < 1.15,
    measured: fmt(ratio!),
  })),
  target('monitored ÷ plain median < 1.15 (stream)', f, ['client.stream_added_median_ratio'], ([ratio]) => ({
    ok: ratio! < 1.15,
    measured: fmt(ratio!),
  })),
  target(
    'below every tracing tool (create)',
    f,
    [
      'client.added_median_ms',
      'client.otel_builtin_added_median_ms',
      'client.openllmetry_added_median_ms',
      'client.openinference_added_median_ms',
    ],
    ([monitored, ...tools]) => ({
      ok: tools.every((tool) => monitored! < tool),
      measured: `${fmt(monitored!)} vs best tool ${fmt(Math.min(...tools))} ms`,
    }),
  ),
  target(
    'below every tracing tool (stream)',
    f,
    [
      'client.stream_added_median_ms',
      'client.otel_builtin_stream_added_median_ms',
      'client.openllmetry_stream_added_median_ms',
      'client.openinference_stream_added_median_ms',
    ],
    ([monitored, ...tools]) => ({
      ok: tools.every((tool) => monitored! < tool),
      measured: `${fmt(monitored!)} vs best tool ${fmt(Math.min(...tools))} ms`,
    }),
  ),
  target(
    'aggregator < 0.5 write requests per call (batch 1,000)',
    f,
    ['aggregator.write_requests_per_call', 'aggregator.batch_size'],
    ([requests, batchSize]) => ({
      ok: requests! < 0.5 && batchSize === 1_000,
      measured: `${fmt(requests!, 4)} at batch ${batchSize}`,
    }),
  ),
  target(
    'summary reads independent of call count',
    f,
    ['reads.items_30d', 'reads.items_30d_small'],
    ([large, small]) => ({
      ok: large === small,
      measured: `${large} items at 1,000,000 calls, ${small} at 10,000`,
    }),
  ),
  target('AWS cost < $1 per million calls', f, ['dollars.aws_usd_per_million_calls'], ([usd]) => ({
    ok: usd! < 1,
    measured: `$${fmt(usd!, 4)}`,
  })),
];
