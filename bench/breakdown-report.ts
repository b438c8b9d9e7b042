import { RATE_SCENARIOS, type RateScenario, WORKLOAD_MIX } from '../functions/aggregator/realistic-workload';
import type { AggregationBreakdown, ItemTypeUnits } from './aggregation-figures';
import { AWS_PRICES } from './prices';
import { COMPARED_SHARDS, COMPARED_WINDOWS, DEPLOYED_BATCHING, type RecordKeying } from './stream-batch';

/** Where DynamoDB documents the rules the billed units are computed by. */
export const BILLING_RULE_SOURCES = [
  'https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/read-write-operations.html (write units: 1 per started KB of the larger of the item before and after)',
  'https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/transaction-apis.html (transactions: 2 write units per KB)',
  'https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/GSI.html#GSI.ThroughputConsiderations.Writes (an index entry written with the item costs its own write units; a write that changes no index key and no projected attribute writes nothing to the index)',
] as const;

const fixed = (value: number, digits: number): string => value.toFixed(digits);
const cell = (width: number, text: string): string => text.padStart(width);

const mixLine = (): string => {
  const m = WORKLOAD_MIX;
  const models = m.models.map((entry) => `${Math.round(entry.share * 100)} % ${entry.model}`).join(', ');
  return (
    `sessions of ${m.meanSessionCalls} calls on average (geometric, at most ${m.maxSessionCalls}), one every ` +
    `${m.callGapSeconds[0]}-${m.callGapSeconds[1]} s; ${m.users.toLocaleString('en-US')} users and ${m.tenants} tenants (Zipf); ` +
    `${m.functions} functions (Zipf); ${models}; ${m.errorShare * 100} % errors; ${m.streamShare * 100} % streamed`
  );
};

const typeCells = (t: ItemTypeUnits | undefined): string[] =>
  t === undefined
    ? ['-', '-', '-', '-', '-', '-']
    : [
        fixed(t.writesPerCallBefore, 3),
        fixed(t.writesPerCall, 3),
        fixed(t.unitsPerCallBefore, 3),
        fixed(t.unitsPerCall, 3),
        String(Math.round(t.averageBytes)),
        String(Math.round(t.largestBytes)),
      ];

/** On-demand dollars of one million calls at `units` write units per call. */
const dollarsOfUnits = (units: number): number => units * AWS_PRICES.dynamoWriteRequestUnit.usd * 1_000_000;

/**
 * The write-cost breakdown: billed write units per call by item type (call record, session index, ledger,
 * each rollup family, alert state) at each call rate, with item sizes and the rollup keys a batch touches.
 */
export const formatBreakdown = (breakdowns: Record<RateScenario, AggregationBreakdown>): string[] => {
  const scenarios = Object.keys(RATE_SCENARIOS) as RateScenario[];
  const families = [...new Set(scenarios.flatMap((s) => Object.keys(breakdowns[s].rollups)))].sort();
  const widths = [22, ...scenarios.flatMap(() => [8, 8, 8, 8, 6, 6])];
  const line = (label: string, cells: string[]): string =>
    [label.padEnd(widths[0]!), ...cells.map((text, i) => cell(widths[i + 1]!, text))].join(' ');
  const lines = [
    `Write units per call by item type (realistic mix, ${scenarios.map((s) => `${breakdowns[s].calls} calls ${s}`).join(', ')}; $ at the on-demand write price):`,
    `  mix: ${mixLine()}.`,
    "  Billed units are computed from the sizes of the items written, by DynamoDB's documented rules, because",
    '  DynamoDB Local does not report the capacity transactions consume; rollup sizes are their final (largest) sizes.',
    '  "before" is the earlier layout on the same records in the batches of its deployment (1,000 records or',
    '  5 s, whichever came first): first-fit chunks in sorted order, an all-attributes',
    '  group-by index (every rollup write rewrote its index entry), a session index holding every record, a',
    '  stored running total per session and stored month rollups; "after" is the layout now: chunks packed by',
    '  shared keys, a keys-only group-by index (one entry per rollup, written when it is created), no session',
    "  index, a session's total read as the sum of its hours and a month as the sum of its days, the days of",
    '  the account, models, functions and tenants written once per batch as the sum of their hours (a plain',
    '  write, outside the transactions; its strongly consistent read is in the read units), in the batches',
    `  deployed now (${DEPLOYED_BATCHING.windowSeconds} s window, at most ${DEPLOYED_BATCHING.batchSize.toLocaleString('en-US')} records and what fits in Lambda's 6 MB payload).`,
    ...BILLING_RULE_SOURCES.map((source) => `  rule: ${source}`),
    line(
      '',
      scenarios.flatMap((s) => {
        const b = breakdowns[s];
        return ['', '', `${s}: ${b.callsPerSecond}/s`, '', 'batch', `${b.batchSizeBefore}→${b.batchSize}`];
      }),
    ),
    line(
      '',
      scenarios.flatMap(() => ['writes', 'writes', 'units', 'units', '', '']),
    ),
    line(
      'item type',
      scenarios.flatMap(() => ['before', 'after', 'before', 'after', 'avg B', 'max B']),
    ),
    line(
      'call record (table)',
      scenarios.flatMap((s) => typeCells(breakdowns[s].record)),
    ),
    line(
      'session index',
      scenarios.flatMap((s) => typeCells(breakdowns[s].sessionIndex)),
    ),
    line(
      'ledger',
      scenarios.flatMap((s) => typeCells(breakdowns[s].ledger)),
    ),
    ...families.map((family) =>
      line(
        `rollup ${family}`,
        scenarios.flatMap((s) => typeCells(breakdowns[s].rollups[family])),
      ),
    ),
    line(
      'alert state',
      scenarios.flatMap((s) => {
        const units = fixed(breakdowns[s].alertStateUnitsPerCall, 3);
        return ['', '', units, units, '', ''];
      }),
    ),
    line(
      'total per call',
      scenarios.flatMap((s) => [
        '',
        '',
        fixed(breakdowns[s].totalWriteUnitsPerCallBefore, 3),
        fixed(breakdowns[s].totalWriteUnitsPerCall, 3),
        '',
        '',
      ]),
    ),
    line(
      '$ per million calls',
      scenarios.flatMap((s) => [
        '',
        '',
        fixed(dollarsOfUnits(breakdowns[s].totalWriteUnitsPerCallBefore), 3),
        fixed(dollarsOfUnits(breakdowns[s].totalWriteUnitsPerCall), 3),
        '',
        '',
      ]),
    ),
  ];
  for (const s of scenarios) {
    const b = breakdowns[s];
    lines.push(
      `  ${s}: rollups ${fixed(b.rollupWriteUnitsPerCallBefore, 3)} units/call before, ${fixed(b.rollupWriteUnitsPerCall, 3)} after, item size average ${Math.round(b.rollupItemBytes.average)} B, largest ${Math.round(b.rollupItemBytes.largest)} B; ` +
        `distinct rollup keys per batch of ${b.batchSize}: average ${fixed(b.distinctKeysPerBatch.average, 1)}, largest ${b.distinctKeysPerBatch.largest}; ` +
        `${fixed(b.transactionsPerBatchBefore, 1)} transactions per batch of ${b.batchSizeBefore} before, ${fixed(b.transactionsPerBatch, 1)} per batch of ${b.batchSize} after`,
    );
  }
  for (const s of scenarios) {
    const live = breakdowns[s].liveTable;
    lines.push(
      `  ${s}, on a live table (each rollup's index entry once per hour or day, not once per rollup this run met first): ` +
        `index entries ${fixed(live.indexUnitsPerCallFresh, 3)} → ${fixed(live.indexUnitsPerCall, 3)} units/call, ` +
        `minute entries of the ${fixed(100 * live.pastSessionMarksShare, 1)} % of calls past their session rollup's marks +${fixed(live.minuteEntryUnitsPerCall, 3)}, ` +
        `total ${fixed(live.totalWriteUnitsPerCall, 3)} units/call, $${fixed(dollarsOfUnits(live.totalWriteUnitsPerCall), 3)} per million calls`,
    );
  }
  return [...lines, ...formatWindows(breakdowns), ...formatShards(breakdowns)];
};

/**
 * Total write units per call with the call records spread over stream shards, keyed by session (now) and by
 * call id (before): a session's calls on different shards come in different batches, so its rollup and its
 * ledger entry are written once per shard.
 */
const formatShards = (breakdowns: Record<RateScenario, AggregationBreakdown>): string[] => {
  const scenarios = Object.keys(RATE_SCENARIOS) as RateScenario[];
  const widths = [8, ...scenarios.flatMap(() => [7, 8, 8, 9, 8, 8, 9])];
  const line = (cells: string[]): string => `  ${cells.map((text, i) => cell(widths[i]!, text)).join(' ')}`;
  const byKeying = (s: RateScenario, shards: number, keying: RecordKeying) =>
    breakdowns[s].shards.find((entry) => entry.shards === shards && entry.keying === keying);
  return [
    `By stream shards (same mix and rates, after, ${DEPLOYED_BATCHING.windowSeconds} s window per shard; records keyed by session now, by call id before; "sess/call" is session-hour writes per call):`,
    line(['', ...scenarios.flatMap((s) => [s, 'by call', 'id', '', 'by', 'session', ''])]),
    line([
      'shards',
      ...scenarios.flatMap(() => ['batch', 'sess/call', 'units', '$/M', 'sess/call', 'units', '$/M']),
    ]),
    ...COMPARED_SHARDS.map((shards) =>
      line([
        String(shards),
        ...scenarios.flatMap((s) => {
          const before = byKeying(s, shards, 'callId');
          const now = byKeying(s, shards, 'session');
          if (!before || !now) return ['-', '-', '-', '-', '-', '-', '-'];
          return [
            String(Math.round(now.recordsPerBatch)),
            fixed(before.sessionWritesPerCall, 3),
            fixed(before.totalWriteUnitsPerCall, 3),
            fixed(dollarsOfUnits(before.totalWriteUnitsPerCall), 3),
            fixed(now.sessionWritesPerCall, 3),
            fixed(now.totalWriteUnitsPerCall, 3),
            fixed(dollarsOfUnits(now.totalWriteUnitsPerCall), 3),
          ];
        }),
      ]),
    ),
  ];
};

/**
 * Total write units per call by batching window, at each rate: a longer window puts more of a session's and
 * a user's calls into one batch, so into one rollup write, and makes alerts that much later.
 */
const formatWindows = (breakdowns: Record<RateScenario, AggregationBreakdown>): string[] => {
  const scenarios = Object.keys(RATE_SCENARIOS) as RateScenario[];
  const bytes = scenarios.map((s) => `${s} ${Math.round(breakdowns[s].eventRecordBytes)} B`).join(', ');
  const widths = [8, ...scenarios.flatMap(() => [7, 8, 9])];
  const line = (cells: string[]): string => `  ${cells.map((text, i) => cell(widths[i]!, text)).join(' ')}`;
  return [
    `By batching window (same mix and rates, after; deployed: ${DEPLOYED_BATCHING.windowSeconds} s; a call record takes ${bytes} of the 6 MB payload; alerts are at most the window late):`,
    line(['window', ...scenarios.flatMap((s) => [s, 'units', '$/M'])]),
    line(['', ...scenarios.flatMap(() => ['batch', '/call', 'writes'])]),
    ...COMPARED_WINDOWS.map((windowSeconds) =>
      line([
        `${windowSeconds} s`,
        ...scenarios.flatMap((s) => {
          const w = breakdowns[s].windows.find((entry) => entry.windowSeconds === windowSeconds);
          return w === undefined
            ? ['-', '-', '-']
            : [
                String(w.batchSize),
                fixed(w.totalWriteUnitsPerCall, 3),
                fixed(dollarsOfUnits(w.totalWriteUnitsPerCall), 3),
              ];
        }),
      ]),
    ),
  ];
};
