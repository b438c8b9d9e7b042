import type { AttributeValue, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import {
  type CallRecord,
  DEFAULT_RETENTION_DAYS,
  INDEX,
  ITEM_TYPE,
  KEY,
  LEGACY_INDEX,
  type PairDimension,
  toCallItem,
} from 'claude-monitor/domain';
import {
  type AggregationMeasurement,
  measureAggregation,
  rollupFamilyOf,
} from '../functions/aggregator/bench-workload';
import {
  LEDGER_MARKS,
  LEDGER_SORT_KEY,
  ledgerPk,
  ledgerWrite,
  ROLLUP_MARKS_FULL,
} from '../functions/aggregator/ledger';
import {
  type KeysInBucket,
  keysPerBucket,
  RATE_SCENARIOS,
  type RateScenario,
  realisticWorkload,
} from '../functions/aggregator/realistic-workload';
import { itemSize, writeUnits } from './item-size';
import { scanItemsOfType, withFreshTable } from './local-table';
import { type PairFamilyCost, pairCosts } from './pair-cost';
import { earlierOnlyItems, type PreviousLayoutWrites, previousLayoutWrites } from './previous-layout';
import {
  type Batching,
  COMPARED_SHARDS,
  COMPARED_WINDOWS,
  DEPLOYED_BATCHING,
  EARLIER_BATCHING,
  eventRecordBytes,
  type RecordKeying,
  recordsPerBatch,
  type ShardCount,
  shardedBatches,
} from './stream-batch';

/** Billed write units per call of one item type, with the writes and item sizes they come from. */
export interface ItemTypeUnits {
  /** Writes of this item type per recorded call. */
  writesPerCall: number;
  /** Billed write units per recorded call (transactional writes twice, plus the index entries written). */
  unitsPerCall: number;
  /** Writes of this item type per call in the earlier layout (`previous-layout.ts`). */
  writesPerCallBefore: number;
  /**
   * Billed units per call of the earlier layout on the same records: first-fit chunks, so more rollup
   * updates, and an all-attributes group-by index, so every rollup update also rewrote its index entry.
   * Equal to `unitsPerCall` for the item types the change left alone.
   */
  unitsPerCallBefore: number;
  /** Average and largest stored size of the items, bytes (as DynamoDB counts them). */
  averageBytes: number;
  largestBytes: number;
  /** Of `unitsPerCall`, the group-by index entries of the items the run created (all of them: a fresh table). */
  indexUnitsPerCall: number;
  /** Units of one item's keys-only index entry, on average over the items in the index (0 when none is). */
  unitsPerIndexEntry: number;
}

/**
 * Write units per call on a live table: the run's writes, but each rollup's index entry written once per
 * bucket (`keysPerBucket`), not once per rollup the run met first.
 */
export interface LiveTableUnits {
  /** Index entry units per call the fresh table counted, and a live table writes. */
  indexUnitsPerCallFresh: number;
  indexUnitsPerCall: number;
  /**
   * Share of the hour's calls past their session rollup's marks, and the minute entry units per call they
   * add: a run starting on a new table meets no session that far into its hour.
   */
  pastSessionMarksShare: number;
  minuteEntryUnitsPerCall: number;
  /** The aggregator's write units per call (ledger, rollups, alert state), and with the record. */
  writeUnitsPerCall: number;
  totalWriteUnitsPerCall: number;
}

/** Write units per call at one batching window (same rate, same mix, batches as that window makes them). */
export interface WindowUnits {
  windowSeconds: (typeof COMPARED_WINDOWS)[number];
  batchSize: number;
  totalWriteUnitsPerCall: number;
}

/**
 * Write units per call with the call records spread over stream shards, keyed by session (now) or by call id
 * (before): same rate, same mix, deployed batching per shard.
 */
export interface ShardUnits {
  shards: ShardCount;
  keying: RecordKeying;
  /** Records per batch, on average over the run's batches. */
  recordsPerBatch: number;
  /** Session-hour rollup writes per call: how often a session's calls came in the same batch. */
  sessionWritesPerCall: number;
  totalWriteUnitsPerCall: number;
}

/** What the aggregator writes for one workload at one call rate, by item type. */
export interface AggregationBreakdown {
  scenario: RateScenario;
  callsPerSecond: number;
  /** Records per stream batch as deployed now, and as the earlier layout was priced (`EARLIER_BATCHING`). */
  batchSize: number;
  batchSizeBefore: number;
  /** Average bytes a call record takes in the invocation payload (what bounds a busy batch). */
  eventRecordBytes: number;
  calls: number;
  /** The call record the recorder writes (one plain write) and its entry in the session index. */
  record: ItemTypeUnits;
  sessionIndex: ItemTypeUnits;
  /** Ledger writes, in the transactions: one per session entry (or a sessionless call's own) per chunk. */
  ledger: ItemTypeUnits;
  /** Rollups by family (`<dimension>/<granularity>`). */
  rollups: Record<string, ItemTypeUnits>;
  /** What the model split inside tenant, user, function and session rollups adds, per pair dimension. */
  pairs: Record<PairDimension, PairFamilyCost>;
  /** Alert markers and outbox entries put in the transactions, and writes outside them (streaks). */
  alertStateUnitsPerCall: number;
  /** The aggregator's billed write units per call: ledger, rollups and alert state. */
  writeUnitsPerCall: number;
  /** Everything written per call: record, session index and the aggregator's writes. */
  totalWriteUnitsPerCall: number;
  rollupWriteUnitsPerCall: number;
  /** The same three figures for the same writes under the earlier layout (`unitsPerCallBefore`). */
  writeUnitsPerCallBefore: number;
  totalWriteUnitsPerCallBefore: number;
  rollupWriteUnitsPerCallBefore: number;
  rollupItemBytes: { average: number; largest: number };
  /** Distinct rollup keys a stream batch touches (= rollup updates per batch, at least). */
  distinctKeysPerBatch: { average: number; largest: number };
  transactionsPerBatch: number;
  transactionsPerBatchBefore: number;
  writeRequestsPerCall: number;
  readUnitsPerCall: number;
  /** Bytes of the EMF metric lines the aggregator printed per call it counted. */
  metricLogBytesPerCall: number;
  /** What DynamoDB Local reported for all the writes (it under-reports transactions). */
  reportedWriteUnitsPerCall: number;
  recordsPerSecond: number;
  /** Total write units per call at each of `COMPARED_WINDOWS`. */
  windows: WindowUnits[];
  /** Total write units per call at each of `COMPARED_SHARDS`, records keyed each way. */
  shards: ShardUnits[];
  liveTable: LiveTableUnits;
}

/** A write inside `TransactWriteItems` is billed twice (prepare and commit). */
export const TRANSACTIONAL = 2;
/** Alert markers and outbox entries are a few hundred bytes: one unit, twice in a transaction. */
const SMALL_TRANSACTIONAL_PUT_UNITS = TRANSACTIONAL * 1;

const mean = (values: readonly number[]): number =>
  values.reduce((sum, v) => sum + v, 0) / Math.max(1, values.length);

/** The entry of an item in the keys-only group-by index: the table's and the index's keys. */
const keysOnlyEntry = (item: Record<string, AttributeValue>): Record<string, AttributeValue> =>
  Object.fromEntries(
    [KEY.partition, KEY.sort, INDEX.byDimension.partition, INDEX.byDimension.sort].flatMap((name) =>
      item[name] ? [[name, item[name]]] : [],
    ),
  );

/** The ledger entry of its own every call had in the layout before. */
const earlierLedgerEntry = (callId: string): Record<string, AttributeValue> =>
  ledgerWrite(
    'before',
    { pk: ledgerPk(callId), sk: LEDGER_SORT_KEY, grouped: false },
    [callId],
    Date.UTC(2026, 10, 29, 10),
  ).Put?.Item ?? {};

/** An item as the layout before marks moved into session rollups stored it. */
const withoutLedgerMarks = (item: Record<string, AttributeValue>): Record<string, AttributeValue> =>
  Object.fromEntries(
    Object.entries(item).filter(([name]) => name !== LEDGER_MARKS && name !== ROLLUP_MARKS_FULL),
  );

/**
 * Units the writes of these items cost, per call, as laid out now and as before (`writesBefore`: the updates
 * the earlier first-fit chunking makes for the same records). Now: twice the item's units
 * per write (transaction), plus one keys-only index entry per item in the group-by index, written by the
 * update that created the item. Later updates change neither index key nor projected attribute, which
 * writes nothing to the index (GSI.html, "Write capacity units"). The table is fresh, so every item was
 * created in the run: on a live table, the account, model, function and tenant rollups of the hour, day
 * and month mostly exist already, so this counts index writes from above. Before: every write also
 * rewrote the item's entry in the all-attributes index (its full size), and no rollup held ledger marks. Sizes are the items' final sizes; a
 * rollup only grows, so they bound every write of it from above.
 */
const typeUnits = (
  items: Record<string, AttributeValue>[],
  writes: number,
  writesBefore: number,
  calls: number,
  plainWrites = 0,
): ItemTypeUnits => {
  const sizes = items.map(itemSize);
  const inIndex = items.filter((item) => item[INDEX.byDimension.partition] !== undefined);
  const perWrite = mean(items.map((item) => TRANSACTIONAL * writeUnits(item)));
  const perPlainWrite = mean(items.map(writeUnits));
  const perWriteBefore = mean(
    items.map((item) => {
      const units = writeUnits(withoutLedgerMarks(item));
      return TRANSACTIONAL * units + (item[INDEX.byDimension.partition] !== undefined ? units : 0);
    }),
  );
  // A family written no more (months, session totals: `earlierOnlyItems`) creates no index entry now.
  const created = writes + plainWrites > 0 ? inIndex : [];
  const indexEntryUnits = created.reduce((sum, item) => sum + writeUnits(keysOnlyEntry(item)), 0);
  return {
    writesPerCall: (writes + plainWrites) / calls,
    writesPerCallBefore: writesBefore / calls,
    unitsPerCall: (writes * perWrite + plainWrites * perPlainWrite + indexEntryUnits) / calls,
    unitsPerCallBefore: (writesBefore * perWriteBefore) / calls,
    averageBytes: mean(sizes),
    largestBytes: Math.max(0, ...sizes),
    indexUnitsPerCall: indexEntryUnits / calls,
    unitsPerIndexEntry: mean(inIndex.map((item) => writeUnits(keysOnlyEntry(item)))),
  };
};

/**
 * The call records as the recorder stores them, one plain write each, and their session-index entries: none
 * now; before, every record in a session carried the index's keys and was copied whole into it.
 */
const recordTypes = (
  records: readonly CallRecord[],
): { record: ItemTypeUnits; sessionIndex: ItemTypeUnits } => {
  const stored = records.map((r) => toCallItem(r, DEFAULT_RETENTION_DAYS));
  const items = stored.map((item) => marshall(item, { removeUndefinedValues: true }));
  const itemsBefore = stored.map((item) =>
    marshall(
      item.sessionId
        ? {
            ...item,
            [LEGACY_INDEX.bySession.partition]: `SESSION#${item.sessionId}`,
            [LEGACY_INDEX.bySession.sort]: item.sk,
          }
        : item,
      { removeUndefinedValues: true },
    ),
  );
  const indexedBefore = itemsBefore.filter((item) => item[LEGACY_INDEX.bySession.partition]);
  const sizes = items.map(itemSize);
  const indexSizes = indexedBefore.map(itemSize);
  return {
    record: {
      writesPerCall: 1,
      writesPerCallBefore: 1,
      unitsPerCall: mean(items.map(writeUnits)),
      unitsPerCallBefore: mean(itemsBefore.map(writeUnits)),
      averageBytes: mean(sizes),
      largestBytes: Math.max(0, ...sizes),
      indexUnitsPerCall: 0,
      unitsPerIndexEntry: 0,
    },
    sessionIndex: {
      writesPerCall: 0,
      writesPerCallBefore: indexedBefore.length / items.length,
      unitsPerCall: 0,
      unitsPerCallBefore: indexedBefore.reduce((sum, item) => sum + writeUnits(item), 0) / items.length,
      averageBytes: mean(indexSizes),
      largestBytes: Math.max(0, ...indexSizes),
      indexUnitsPerCall: 0,
      unitsPerIndexEntry: 0,
    },
  };
};

const plannedBuckets = new Map<RateScenario, ReturnType<typeof keysPerBucket>>();
/** Keys per bucket of the mix at a rate: planned once per rate (an hour of the busy rate is 720,000 calls). */
const bucketsOf = (scenario: RateScenario): ReturnType<typeof keysPerBucket> => {
  if (!plannedBuckets.has(scenario))
    plannedBuckets.set(scenario, keysPerBucket(RATE_SCENARIOS[scenario].callsPerSecond));
  return plannedBuckets.get(scenario)!;
};

/**
 * The run's write units per call with the index entries a live table writes instead of a fresh one's: each
 * rollup family's entries are its keys per bucket over the calls of that bucket, at the run's rate and mix.
 */
export const liveTableUnits = (
  scenario: RateScenario,
  rollups: Record<string, ItemTypeUnits>,
  writeUnitsPerCall: number,
  totalWriteUnitsPerCall: number,
): LiveTableUnits => {
  const buckets = bucketsOf(scenario);
  let fresh = 0;
  let live = 0;
  for (const [family, units] of Object.entries(rollups)) {
    if (units.indexUnitsPerCall === 0) continue;
    const [dim, granularity] = family.split('/') as [keyof KeysInBucket, string];
    const bucket = granularity === 'hour' ? buckets.hour : granularity === 'day' ? buckets.day : undefined;
    if (!bucket || !(dim in bucket)) throw new Error(`no bucket key count for the rollup family ${family}`);
    fresh += units.indexUnitsPerCall;
    live += (bucket[dim] / bucket.calls) * units.unitsPerIndexEntry;
  }
  // A call past its session rollup's marks is marked in the session's minute entry, written as often as
  // the session rollup itself (the calls of a session in one batch share both): 1 unit, twice in a
  // transaction, per session-hour write.
  const pastSessionMarksShare = buckets.hour.pastSessionMarks / buckets.hour.calls;
  const minuteEntryUnitsPerCall =
    pastSessionMarksShare * (rollups['session/hour']?.writesPerCall ?? 0) * TRANSACTIONAL;
  const added = live - fresh + minuteEntryUnitsPerCall;
  return {
    indexUnitsPerCallFresh: fresh,
    indexUnitsPerCall: live,
    pastSessionMarksShare,
    minuteEntryUnitsPerCall,
    writeUnitsPerCall: writeUnitsPerCall + added,
    totalWriteUnitsPerCall: totalWriteUnitsPerCall + added,
  };
};

const breakdownOf = (
  scenario: RateScenario,
  batching: { batchSize: number; batchSizeBefore: number; eventRecordBytes: number },
  records: readonly CallRecord[],
  m: AggregationMeasurement,
  previous: PreviousLayoutWrites,
  ledgerItems: Record<string, AttributeValue>[],
  rollupItems: Record<string, AttributeValue>[],
): AggregationBreakdown => {
  const byFamily = new Map<string, Record<string, AttributeValue>[]>();
  for (const item of rollupItems) {
    const family = rollupFamilyOf(item[KEY.partition]?.S ?? '');
    const items = byFamily.get(family) ?? [];
    items.push(item);
    byFamily.set(family, items);
  }
  const families = new Map([...byFamily, ...earlierOnlyItems(records)]);
  const rollups = Object.fromEntries(
    [...families].map(([family, items]) => [
      family,
      typeUnits(
        items,
        m.rollupUpdatesByFamily[family] ?? 0,
        previous.rollupUpdatesByFamily[family] ?? 0,
        m.calls,
        m.rollupPutsByFamily[family] ?? 0,
      ),
    ]),
  );
  // Before: one entry of its own per call, whatever entries the layout now leaves in the table.
  const ledger = {
    ...typeUnits(ledgerItems, m.ledgerWrites, m.calls, m.calls),
    unitsPerCallBefore: typeUnits([earlierLedgerEntry(records[0]?.callId ?? '')], m.calls, m.calls, m.calls)
      .unitsPerCallBefore,
  };
  const pairs = pairCosts(byFamily, m.calls, (items, family, calls) => {
    const writes = m.rollupUpdatesByFamily[family] ?? 0;
    return typeUnits(items, writes, writes, calls, m.rollupPutsByFamily[family] ?? 0).unitsPerCall;
  });
  const rollupWriteUnitsPerCall = Object.values(rollups).reduce((sum, r) => sum + r.unitsPerCall, 0);
  const rollupWriteUnitsPerCallBefore = Object.values(rollups).reduce(
    (sum, r) => sum + r.unitsPerCallBefore,
    0,
  );
  const alertStateUnitsPerCall =
    (m.otherTransactionalPuts * SMALL_TRANSACTIONAL_PUT_UNITS + m.plainWriteUnits) / m.calls;
  const sizes = rollupItems.map(itemSize);
  const { record, sessionIndex } = recordTypes(records);
  const writeUnitsPerCall = ledger.unitsPerCall + rollupWriteUnitsPerCall + alertStateUnitsPerCall;
  const totalWriteUnitsPerCall = record.unitsPerCall + sessionIndex.unitsPerCall + writeUnitsPerCall;
  const writeUnitsPerCallBefore =
    ledger.unitsPerCallBefore + rollupWriteUnitsPerCallBefore + alertStateUnitsPerCall;
  return {
    scenario,
    callsPerSecond: RATE_SCENARIOS[scenario].callsPerSecond,
    ...batching,
    calls: m.calls,
    record,
    sessionIndex,
    ledger,
    rollups,
    pairs,
    alertStateUnitsPerCall,
    writeUnitsPerCall,
    totalWriteUnitsPerCall,
    rollupWriteUnitsPerCall,
    writeUnitsPerCallBefore,
    totalWriteUnitsPerCallBefore:
      record.unitsPerCallBefore + sessionIndex.unitsPerCallBefore + writeUnitsPerCallBefore,
    rollupWriteUnitsPerCallBefore,
    rollupItemBytes: { average: mean(sizes), largest: Math.max(0, ...sizes) },
    distinctKeysPerBatch: {
      average: mean(m.distinctKeysPerBatch),
      largest: Math.max(0, ...m.distinctKeysPerBatch),
    },
    transactionsPerBatch: m.transactions / m.invocations,
    transactionsPerBatchBefore: previous.transactions / previous.batches,
    writeRequestsPerCall: m.writeRequestsPerCall,
    readUnitsPerCall: m.readUnits / m.calls,
    metricLogBytesPerCall: m.metricLogBytes / m.calls,
    reportedWriteUnitsPerCall: m.writeUnitsPerCall,
    recordsPerSecond: m.recordsPerSecond,
    windows: [],
    shards: [],
    liveTable: liveTableUnits(scenario, rollups, writeUnitsPerCall, totalWriteUnitsPerCall),
  };
};

/**
 * Runs `use` with a client of a DynamoDB Local that nothing else has written to: after a run's heavy writes
 * the Java process stays busy for minutes and would slow the next run.
 */
export type WithClient = <T>(use: (client: DynamoDBClient) => Promise<T>) => Promise<T>;

/** Calls measured per run: whole batches, at least `batches` of them and at least this many calls. */
const MIN_CALLS = 400;

/** `calls` records of the realistic workload at the rate of `scenario`. */
const workloadOf = (scenario: RateScenario, calls: number): CallRecord[] =>
  realisticWorkload(calls, RATE_SCENARIOS[scenario].callsPerSecond);

/**
 * One run of the records through the aggregator on a fresh table, broken down by item type: in batches of
 * `batching.batchSize`, or in `batches` (the same records) when given.
 */
const measureRun = (
  withClient: WithClient,
  scenario: RateScenario,
  batching: { batchSize: number; batchSizeBefore: number; eventRecordBytes: number },
  records: readonly CallRecord[],
  batches?: readonly (readonly CallRecord[])[],
): Promise<AggregationBreakdown> => {
  const { batchSize, batchSizeBefore } = batching;
  return withClient((client) =>
    withFreshTable(client, `bench-${scenario}-${batchSize}`, async (tableName) => {
      const m = await measureAggregation({ client, tableName, batchSize, records, batches });
      const [ledger, rollups] = await Promise.all([
        scanItemsOfType(client, tableName, ITEM_TYPE.ledger),
        scanItemsOfType(client, tableName, ITEM_TYPE.rollup),
      ]);
      return breakdownOf(
        scenario,
        batching,
        records,
        m,
        previousLayoutWrites(records, batchSizeBefore),
        ledger,
        rollups,
      );
    }),
  );
};

/** Windows of calls each shard comparison runs: enough for every shard to close whole batches. */
const SHARD_RUN_WINDOWS = { busy: 2, steady: 10 } as const satisfies Record<RateScenario, number>;

/**
 * The same rate and mix with the records spread over each of `COMPARED_SHARDS` stream shards, keyed by session
 * and by call id (on one shard both keyings make the same batches), each run on a fresh table with the batches
 * the deployed event source makes per shard. `calls` overrides the run's length (the quick run).
 */
const measureShards = async (
  withClient: WithClient,
  scenario: RateScenario,
  batching: { batchSize: number; batchSizeBefore: number; eventRecordBytes: number },
  calls?: number,
): Promise<ShardUnits[]> => {
  const { callsPerSecond } = RATE_SCENARIOS[scenario];
  const records = workloadOf(
    scenario,
    calls ?? Math.round(callsPerSecond * DEPLOYED_BATCHING.windowSeconds * SHARD_RUN_WINDOWS[scenario]),
  );
  const units: ShardUnits[] = [];
  for (const shards of COMPARED_SHARDS) {
    for (const keying of shards === 1 ? (['session'] as const) : (['session', 'callId'] as const)) {
      const batches = shardedBatches(records, keying, shards, DEPLOYED_BATCHING, batching.eventRecordBytes);
      const run = await measureRun(withClient, scenario, batching, records, batches);
      const measured = {
        shards,
        recordsPerBatch: records.length / Math.max(1, batches.length),
        sessionWritesPerCall: run.rollups['session/hour']?.writesPerCall ?? 0,
        totalWriteUnitsPerCall: run.totalWriteUnitsPerCall,
      };
      units.push({ ...measured, keying });
      if (shards === 1) units.push({ ...measured, keying: 'callId' });
    }
  }
  return units;
};

/**
 * Runs the realistic workload (`WORKLOAD_MIX`) through the aggregator at each call rate of `RATE_SCENARIOS`,
 * each on a fresh table, and breaks the billed write units down by item type. DynamoDB Local does not report
 * the capacity transactions consume, so billed units are computed from the writes made and the sizes of the
 * items written, by DynamoDB's rules: 1 unit per started KB, twice inside a transaction, plus the index entry.
 * Batches are as the deployed event source makes them at that rate (`recordsPerBatch`); the earlier layout is
 * priced on the same records in the batches its deployment made (`EARLIER_BATCHING`). Each rate is also run
 * at the other `COMPARED_WINDOWS`, for the total alone.
 * @see https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/transaction-apis.html#transaction-capacity-handling
 */
export const measureAggregationBreakdowns = async (options: {
  withClient: WithClient;
  quick: boolean;
}): Promise<Record<RateScenario, AggregationBreakdown>> => {
  const results: Partial<Record<RateScenario, AggregationBreakdown>> = {};
  for (const scenario of Object.keys(RATE_SCENARIOS) as RateScenario[]) {
    const { callsPerSecond, batches } = RATE_SCENARIOS[scenario];
    const bytes = eventRecordBytes(workloadOf(scenario, MIN_CALLS));
    const batchOf = (batching: Batching): number => {
      const size = recordsPerBatch(callsPerSecond, batching, bytes);
      return options.quick ? Math.min(size, 50) : size;
    };
    const callsFor = (batchSize: number): number =>
      options.quick ? 2 * batchSize : batchSize * Math.max(batches, Math.ceil(MIN_CALLS / batchSize));
    const batchSize = batchOf(DEPLOYED_BATCHING);
    const batching = { batchSize, batchSizeBefore: batchOf(EARLIER_BATCHING), eventRecordBytes: bytes };
    const main = await measureRun(
      options.withClient,
      scenario,
      batching,
      workloadOf(scenario, callsFor(batchSize)),
    );
    for (const windowSeconds of COMPARED_WINDOWS) {
      const size = batchOf({ ...DEPLOYED_BATCHING, windowSeconds });
      const total =
        size === batchSize
          ? main.totalWriteUnitsPerCall
          : (
              await measureRun(
                options.withClient,
                scenario,
                { ...batching, batchSize: size },
                workloadOf(scenario, callsFor(size)),
              )
            ).totalWriteUnitsPerCall;
      main.windows.push({ windowSeconds, batchSize: size, totalWriteUnitsPerCall: total });
    }
    const quickCalls = options.quick ? callsFor(batchSize) : undefined;
    main.shards = await measureShards(options.withClient, scenario, batching, quickCalls);
    results[scenario] = main;
  }
  return results as Record<RateScenario, AggregationBreakdown>;
};
