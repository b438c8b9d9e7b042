/**
 * The single-table layout. The CDK construct and the local stack both build the table from this
 * definition, so key schema, indexes, stream and TTL cannot drift apart.
 *
 * | item        | pk                                   | sk                      | notes                          |
 * |-------------|--------------------------------------|-------------------------|--------------------------------|
 * | call record | `CALL#<yyyy-mm-ddThh>#<p>`           | `<timestamp>#<callId>`  | p = hash(sessionId or callId) % CALL_PARTITIONS; TTL |
 * | rollup      | `ROLLUP#<granularity>#<dim>#<value>` | `<bucket>`              | also `dpk`/`dsk` for group-by; a session's hour: ledger marks `ids`, `idsFull`; an account, model, function or tenant hour: version `v`, its day: `vs` (summed from the hours) |
 * | ledger      | `LEDGER#S#<session hash>`            | `<yyyy-mm-ddThh:mm>`    | marks of a session's calls that minute once its hour rollup is full; TTL |
 * | ledger      | `LEDGER#<callId>`                    | `LEDGER`                | a call without a session; TTL  |
 * | alert state | `ALERT#<rule>#<scope>`               | `<window>#<step>`       | fire-once marker               |
 * | outbox      | `OUTBOX`                             | `<time>#<alertId>`      | alerts waiting to be published |
 * | alert log   | `ALERTLOG#<yyyy-mm>`                 | `<firedAt>#<alertId>`   | every fired alert, newest last; TTL |
 * | streak      | `STREAK#<scopeKind>#<value>`         | `STATE`                 | consecutive-error counter      |
 * | delivery    | `DELIVERY#<notificationId>`          | `<channel>`             | notifier: once per channel; TTL |
 * | digest      | `DIGEST#<channel>`                   | `<releaseAt>#<notificationId>` | notifier: alert held for a digest; TTL |
 * | reconciliation | `RECON#<source>`                  | `<yyyy-mm-dd>`          | tracked vs billed of one day   |
 * | recon. status  | `RECON#STATUS`                    | `<source>`              | last run of a source, errors   |
 * | budget window | `BUDGET#<scope>#<value>`           | `<period>#<bucket>`     | enforced budget's running counter; TTL |
 * | budget slot | `BUDGETSLOT#<minute>`                | `<window pk>|<window sk>` | windows with reservations made that minute; TTL |
 * | budget      | `BUDGETDEF`                          | `<scope>#<id or *>#<period>` | run-time budget definition     |
 * | budget audit | `BUDGETAUDIT`                       | `<time>#<budget>#<version>#<id>` | who changed a budget, when, from what to what; TTL |
 * | sweep cursor | `BUDGETSWEEP`                       | `CURSOR`                | last minute whose reservations were swept |
 *
 * A budget window holds `committed` = `settled` + open reservations + `unsettled`, in nano-dollars: `settled`
 * is what clients settled to the exact cost, each open reservation sits in the attribute of the minute it was
 * made in (`r_<minute>`, so the sweep can release what is left of a minute once it expired), and `unsettled`
 * is the cost the aggregator found in the exact rollups that no client settled (other processes, failed
 * settlements). Reservations are `ADD`s conditioned on `committed` leaving room for them.
 *
 * A delivery marker's `state` is `delivering` (claimed until `leaseUntil`, so a crashed delivery is taken
 * over once the lease has passed), `delivered`, `digested` (held for a digest) or `failed` (refused for good).
 *
 * An alert log entry is written in the same transaction as its alert's fire-once marker and outbox entry, so
 * the log holds each fired alert exactly once; it outlives the outbox entry (deleted once published) for
 * `ALERT_LOG_RETENTION_DAYS`. Like every item but call records, the stream's event filter keeps it away from
 * the aggregator.
 *
 * `<source>` is `anthropic` (the Admin API's usage and cost reports) or `bedrock` (Cost Explorer).
 */
export const KEY = {
  partition: 'pk',
  sort: 'sk',
  /** Item type discriminator; the stream filter keys on it. */
  type: 'type',
  /** TTL attribute (epoch seconds). */
  ttl: 'expiresAt',
} as const;

export const ITEM_TYPE = {
  call: 'call',
  rollup: 'rollup',
  ledger: 'ledger',
  alert: 'alert',
  outbox: 'outbox',
  alertLog: 'alert-log',
  streak: 'streak',
  delivery: 'delivery',
  digest: 'digest',
  reconciliation: 'reconciliation',
  reconciliationStatus: 'reconciliation_status',
  budgetWindow: 'budget-window',
  budgetSlot: 'budget-slot',
  budget: 'budget',
  budgetAudit: 'budget-audit',
  budgetSweep: 'budget-sweep',
} as const;
export type ItemType = (typeof ITEM_TYPE)[keyof typeof ITEM_TYPE];

/** Raw call records of one hour are spread over this many partitions, so 1,000 calls/s stay under the per-partition write limit. */
export const CALL_PARTITIONS = 16;

/** What a global secondary index copies from the item: everything, or the table and index keys only. */
export const PROJECTION = { all: 'ALL', keysOnly: 'KEYS_ONLY' } as const;
export type Projection = (typeof PROJECTION)[keyof typeof PROJECTION];

/** Global secondary indexes. */
export const INDEX = {
  /**
   * Rollups of one dimension across values: `dpk = ROLLUP#<granularity>#<dim>`, `dsk = <bucket>#<value>`.
   * Keys only: an update that changes neither index key nor projected attribute writes nothing to the
   * index, so a rollup pays for its index entry once, when it is created, instead of on every `ADD` of its
   * counters. Readers take the keys from the index and the counters from the items (`BatchGetItem`).
   * The name differs from the earlier all-attributes index (`LEGACY_INDEX.byDimensionAll`), because
   * CloudFormation cannot change an index's projection in place (docs/deploy.md, "Upgrading").
   */
  byDimension: {
    name: 'byDimensionKeys',
    partition: 'dpk',
    sort: 'dsk',
    projection: PROJECTION.keysOnly,
  },
} as const;

/**
 * Indexes of earlier versions. Nothing reads them; a deployed stack keeps them while it is upgraded, because
 * CloudFormation adds or deletes only one index per update (docs/deploy.md, "Upgrading").
 * - `byDimensionAll`: the group-by index before it became keys-only (`keepLegacyDimensionIndex`).
 * - `bySession`: calls of one session in time order (`gsi1pk = SESSION#<sessionId>`, `gsi1sk = <sk>`), once
 *   read to rebuild a session's stored running total; a session's total is now the sum of its hour rollups,
 *   so records no longer carry these keys and the index is dropped (`keepSessionIndex` keeps it).
 */
export const LEGACY_INDEX = {
  byDimensionAll: { name: 'byDimension', partition: 'dpk', sort: 'dsk', projection: PROJECTION.all },
  bySession: { name: 'bySession', partition: 'gsi1pk', sort: 'gsi1sk', projection: PROJECTION.all },
} as const;

/** Plain description of the table, in the shape of DynamoDB's CreateTable input (string keys only). */
export const TABLE_DEFINITION = {
  partitionKey: KEY.partition,
  sortKey: KEY.sort,
  ttlAttribute: KEY.ttl,
  streamViewType: 'NEW_IMAGE',
  billingMode: 'PAY_PER_REQUEST',
  globalSecondaryIndexes: [INDEX.byDimension],
} as const;

/** Partition key of the reconciliation results of one source; the sort key is the UTC day. */
export const reconciliationPk = (source: string): string => `RECON#${source}`;
/** Partition key of the reconciler's status items; the sort key is the source. */
export const RECONCILIATION_STATUS_PK = 'RECON#STATUS';

/** Days a ledger entry is kept: longer than a DynamoDB stream's 24-hour retention, so any replay is caught. */
export const LEDGER_RETENTION_DAYS = 3;

/** Days a delivery marker and a held digest entry are kept: SNS and SQS redeliveries come within days. */
export const DELIVERY_RETENTION_DAYS = 14;

/** Attributes of a budget window item (see the table above). Every amount is integer nano-dollars. */
export const BUDGET_WINDOW_ATTRIBUTE = {
  committed: 'committed',
  settled: 'settled',
  unsettled: 'unsettled',
  refusedCalls: 'refusedCalls',
  /** The limit the last reservation was checked against, for readers that do not know the budget. */
  limitNanoUsd: 'limitNanoUsd',
  /** Prefix of the per-minute reservation attributes. */
  reservationPrefix: 'r_',
} as const;

/** Reservations are grouped by the minute they were made in. */
export const RESERVATION_SLOT_MS = 60_000;

/** The minute (since the epoch) a time falls in. */
export const reservationSlotOf = (ms: number): number => Math.floor(ms / RESERVATION_SLOT_MS);

/** Attribute holding what is still reserved of the reservations made in `slot`. */
export const reservationAttribute = (slot: number): string =>
  `${BUDGET_WINDOW_ATTRIBUTE.reservationPrefix}${slot}`;

/** Keys of the budget items. */
export const BUDGET_KEY = {
  windowPk: (scope: string, value: string): string => `BUDGET#${scope}#${value}`,
  windowSk: (period: string, bucket: string): string => `${period}#${bucket}`,
  slotPk: (slot: number): string => `BUDGETSLOT#${slot}`,
  slotSk: (windowPk: string, windowSk: string): string => `${windowPk}|${windowSk}`,
  definitionPk: 'BUDGETDEF',
  auditPk: 'BUDGETAUDIT',
  sweepPk: 'BUDGETSWEEP',
  sweepSk: 'CURSOR',
} as const;

/** Leading-key patterns of the budget items, for IAM conditions that keep each part to its own items. */
export const BUDGET_KEY_PATTERN = {
  window: 'BUDGET#*',
  slot: 'BUDGETSLOT#*',
  definitions: 'BUDGETDEF',
  audit: 'BUDGETAUDIT',
  sweep: 'BUDGETSWEEP',
} as const;

/** Days a budget window item outlives its window (the API shows last period's figures meanwhile). */
export const BUDGET_WINDOW_RETENTION_DAYS = 40;
