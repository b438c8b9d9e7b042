import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { type IGrantable, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { BUDGET_KEY_PATTERN, TABLE_DEFINITION } from 'claude-monitor/domain';

/** Item reads: no Scan, so totals always come from rollups. */
export const TABLE_READ_ACTIONS = ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query'] as const;

/** Item writes, as used by transactions (TransactWriteItems is authorised per contained action). */
export const TABLE_WRITE_ACTIONS = [
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:BatchWriteItem',
  'dynamodb:ConditionCheckItem',
] as const;

/** What the layer's recorder calls: it only ever writes call records, in `BatchWriteItem` requests. */
export const LAYER_WRITE_ACTIONS = ['dynamodb:BatchWriteItem'] as const;

/** Prefix of every call record's partition key (see `callPk`). */
export const CALL_KEY_PATTERN = 'CALL#*';

const tableAndIndexes = (table: ITable): string[] => [
  table.tableArn,
  ...TABLE_DEFINITION.globalSecondaryIndexes.map((index) => `${table.tableArn}/index/${index.name}`),
];

/** Item-level read access to the table and its indexes. */
export const grantTableRead = (grantee: IGrantable, table: ITable): void => {
  grantee.grantPrincipal.addToPrincipalPolicy(
    new PolicyStatement({ actions: [...TABLE_READ_ACTIONS], resources: tableAndIndexes(table) }),
  );
};

/** Item-level read and write access to the table (reads include its indexes). */
export const grantTableReadWrite = (grantee: IGrantable, table: ITable): void => {
  grantTableRead(grantee, table);
  grantee.grantPrincipal.addToPrincipalPolicy(
    new PolicyStatement({ actions: [...TABLE_WRITE_ACTIONS], resources: [table.tableArn] }),
  );
};

const onlyCallRecords = { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [CALL_KEY_PATTERN] } };

/** The layer's access: write call records, and nothing else (no reads, no other partitions). */
export const layerWriteStatement = (table: ITable): PolicyStatement =>
  new PolicyStatement({
    actions: [...LAYER_WRITE_ACTIONS],
    resources: [table.tableArn],
    conditions: onlyCallRecords,
  });

/** For the layer's `getMonitoringSummary`, which queries raw call records of the last hours. */
export const layerSummaryReadStatement = (table: ITable): PolicyStatement =>
  new PolicyStatement({
    actions: ['dynamodb:Query'],
    resources: [table.tableArn],
    conditions: onlyCallRecords,
  });

const leadingKeys = (pattern: string) => ({
  'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [pattern] },
});

/**
 * What the layer's budget enforcement calls, each on its own key prefix only: reserve, settle and count
 * refusals on budget windows (`UpdateItem`; `GetItem` for a window's figures when a call cannot fit at all),
 * mark the minute of a reservation for the sweep (`PutItem` on `BUDGETSLOT#`), and read the run-time budgets
 * (`Query` on `BUDGETDEF`).
 */
export const layerBudgetStatements = (table: ITable): PolicyStatement[] => [
  new PolicyStatement({
    actions: ['dynamodb:UpdateItem', 'dynamodb:GetItem'],
    resources: [table.tableArn],
    conditions: leadingKeys(BUDGET_KEY_PATTERN.window),
  }),
  new PolicyStatement({
    actions: ['dynamodb:PutItem'],
    resources: [table.tableArn],
    conditions: leadingKeys(BUDGET_KEY_PATTERN.slot),
  }),
  new PolicyStatement({
    actions: ['dynamodb:Query'],
    resources: [table.tableArn],
    conditions: leadingKeys(BUDGET_KEY_PATTERN.definitions),
  }),
];

/**
 * The API's only writes: run-time budget definitions and their audit trail, in one transaction per change
 * (`TransactWriteItems` is authorised per contained `PutItem`/`DeleteItem`).
 */
export const apiBudgetWriteStatement = (table: ITable): PolicyStatement =>
  new PolicyStatement({
    actions: ['dynamodb:PutItem', 'dynamodb:DeleteItem'],
    resources: [table.tableArn],
    conditions: {
      'ForAllValues:StringLike': {
        'dynamodb:LeadingKeys': [BUDGET_KEY_PATTERN.definitions, BUDGET_KEY_PATTERN.audit],
      },
    },
  });
