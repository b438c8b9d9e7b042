import { type BenchFigures, CONFIGURATION_PREFIX, type FigureKey } from './figures';
import { PAIR_BUDGET_UNITS_PER_CALL } from './pair-cost';

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

const TOOL_PREFIXES = Object.values(CONFIGURATION_PREFIX).filter((prefix) => prefix !== '');
const MODES = [
  { name: 'create', key: '' },
  { name: 'stream', key: 'stream_' },
] as const;

/** The per-call targets, for plain and streaming calls alike. */
const perCallTargets = (f: BenchFigures): TargetResult[] =>
  MODES.flatMap(({ name, key }) => {
    const added = (prefix: (typeof CONFIGURATION_PREFIX)[keyof typeof CONFIGURATION_PREFIX]) =>
      `client.${prefix}${key}added_median_ms` as FigureKey;
    return [
      target(`added median < 0.1 ms (${name})`, f, [added('')], ([ms]) => ({
        ok: ms! < 0.1,
        measured: `${fmt(ms!)} ms`,
      })),
      target(
        `monitored ÷ plain median < 1.15 (${name})`,
        f,
        [`client.${key}added_median_ratio` as FigureKey],
        ([ratio]) => ({ ok: ratio! < 1.15, measured: fmt(ratio!) }),
      ),
      target(
        `below every tracing tool (${name})`,
        f,
        [added(''), ...TOOL_PREFIXES.map(added)],
        ([monitored, ...tools]) => ({
          ok: tools.every((tool) => monitored! < tool),
          measured: `${fmt(monitored!)} vs best tool ${fmt(Math.min(...tools))} ms`,
        }),
      ),
    ];
  });

/** The product's targets from the benchmark issue, judged on this run's figures. */
export const judgeTargets = (f: BenchFigures): TargetResult[] => [
  ...perCallTargets(f),
  target(
    'aggregator < 0.5 write requests per call (busy batches, 1,000 records or more)',
    f,
    ['aggregator.write_requests_per_call', 'aggregator.batch_size'],
    ([requests, batchSize]) => ({
      ok: requests! < 0.5 && batchSize! >= 1_000,
      measured: `${fmt(requests!, 4)} at batch ${batchSize}`,
    }),
  ),
  target(
    `pair breakdowns add ≤ ${PAIR_BUDGET_UNITS_PER_CALL} write units per call (busy and steady)`,
    f,
    ['aggregator.pair_units_per_call', 'aggregator.steady_pair_units_per_call'],
    ([busy, steady]) => ({
      ok: busy! <= PAIR_BUDGET_UNITS_PER_CALL && steady! <= PAIR_BUDGET_UNITS_PER_CALL,
      measured: `busy ${fmt(busy!)}, steady ${fmt(steady!)}`,
    }),
  ),
  target(
    'summary reads independent of call count',
    f,
    ['reads.items_30d', 'reads.items_30d_small'],
    ([large, small]) => ({
      ok: large === small,
      measured: `${large} items at 1,000,000 calls, ${small} at 10,000 calls with their raw records stored`,
    }),
  ),
  target('AWS cost < $1 per million calls', f, ['dollars.aws_usd_per_million_calls'], ([usd]) => ({
    ok: usd! < 1,
    measured: `$${fmt(usd!, 4)}`,
  })),
  target(
    'AWS cost ≤ $2.50 per million calls (realistic mix, busy rate)',
    f,
    ['dollars.aws_usd_per_million_calls', 'dollars.aws_usd_per_million_calls_before'],
    ([usd, before]) => ({
      ok: usd! <= 2.5,
      measured: `$${fmt(usd!, 4)} ($${fmt(before!, 4)} as laid out before)`,
    }),
  ),
];
