/**
 * The single-table layout. The CDK construct and the local stack both build the table from this
 * definition, so key schema, indexes, stream and TTL cannot drift apart.
 *
 * | item        | pk                                   | sk                      | notes                          |
 * |-------------|--------------------------------------|-------------------------|--------------------------------|
 * | call record | `CALL#<yyyy-mm-ddThh>#<p>`           | `<timestamp>#<callId>`  | p = hash(callId) % CALL_PARTITIONS; TTL |
 * | rollup      | `ROLLUP#<granularity>#<dim>#<value>` | `<bucket>`              | also `dpk`/`dsk` for group-by  |
 * | ledger      | `LEDGER#<callId>`                    | `LEDGER`                | aggregation idempotency; TTL   |
 * | alert state | `ALERT#<rule>#<scope>`               | `<window>#<step>`       | fire-once marker               |
 * | outbox      | `OUTBOX`                             | `<time>#<alertId>`      | alerts waiting to be published |
 * | streak      | `STREAK#<scopeKind>#<value>`         | `STATE`                 | consecutive-error counter      |
 * | delivery    | `DELIVERY#<notificationId>`          | `<channel>`             | notifier: once per channel; TTL |
 * | digest      | `DIGEST#<channel>`                   | `<releaseAt>#<notificationId>` | notifier: alert held for a digest; TTL |
 * | reconciliation | `RECON#<source>`                  | `<yyyy-mm-dd>`          | tracked vs billed of one day   |
 * | recon. status  | `RECON#STATUS`                    | `<source>`              | last run of a source, errors   |
 *
 * A delivery marker's `state` is `delivering` (claimed until `leaseUntil`, so a crashed delivery is taken
 * over once the lease has passed), `delivered`, `digested` (held for a digest) or `failed` (refused for good).
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
  streak: 'streak',
  delivery: 'delivery',
  digest: 'digest',
  reconciliation: 'reconciliation',
  reconciliationStatus: 'reconciliation_status',
} as const;
export type ItemType = (typeof ITEM_TYPE)[keyof typeof ITEM_TYPE];

/** Raw call records of one hour are spread over this many partitions, so 1,000 calls/s stay under the per-partition write limit. */
export const CALL_PARTITIONS = 16;

/** Global secondary indexes. */
export const INDEX = {
  /** Calls of one session in time order: `gsi1pk = SESSION#<sessionId>`, `gsi1sk = <timestamp>#<callId>`. */
  bySession: { name: 'bySession', partition: 'gsi1pk', sort: 'gsi1sk' },
  /** Rollups of one dimension across values: `dpk = ROLLUP#<granularity>#<dim>`, `dsk = <bucket>#<value>`. */
  byDimension: { name: 'byDimension', partition: 'dpk', sort: 'dsk' },
} as const;

/** Plain description of the table, in the shape of DynamoDB's CreateTable input (string keys only). */
export const TABLE_DEFINITION = {
  partitionKey: KEY.partition,
  sortKey: KEY.sort,
  ttlAttribute: KEY.ttl,
  streamViewType: 'NEW_IMAGE',
  billingMode: 'PAY_PER_REQUEST',
  globalSecondaryIndexes: [INDEX.bySession, INDEX.byDimension],
} as const;

/** Partition key of the reconciliation results of one source; the sort key is the UTC day. */
export const reconciliationPk = (source: string): string => `RECON#${source}`;
/** Partition key of the reconciler's status items; the sort key is the source. */
export const RECONCILIATION_STATUS_PK = 'RECON#STATUS';

/** Days a ledger entry is kept: longer than a DynamoDB stream's 24-hour retention, so any replay is caught. */
export const LEDGER_RETENTION_DAYS = 3;

/** Days a delivery marker and a held digest entry are kept: SNS and SQS redeliveries come within days. */
export const DELIVERY_RETENTION_DAYS = 14;
