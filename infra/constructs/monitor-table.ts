import { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, BillingMode, ProjectionType, StreamViewType, Table } from 'aws-cdk-lib/aws-dynamodb';
import { LEGACY_INDEX, TABLE_DEFINITION } from 'claude-monitor/domain';
import { Construct } from 'constructs';
import type { ProvisionedCapacity } from './capacity';

export interface MonitorTableProps {
  /**
   * What happens to the table when it leaves the stack.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * DynamoDB deletion protection.
   * @default true
   */
  readonly deletionProtection?: boolean;
  /**
   * Provisioned capacity with auto scaling, applied to the table and each index alike.
   * @default - on-demand
   */
  readonly provisioned?: ProvisionedCapacity;
  /**
   * Keep the earlier all-attributes group-by index (`byDimension`) next to its keys-only replacement. An
   * upgrade from a version with that index deploys once with this on (CloudFormation adds the new index;
   * it cannot add one and delete another in the same update), then once without it (the old one goes).
   * Nothing reads the old index; while it is kept, every rollup write still pays its index entry.
   * @default false
   */
  readonly keepLegacyDimensionIndex?: boolean;
  /**
   * Keep the session index (`bySession`) of earlier versions for as long as another index change of an
   * upgrade is under way (one index per update). Nothing reads it; new records carry no key for it.
   * @default false
   */
  readonly keepSessionIndex?: boolean;
}

/**
 * The single table of call records, rollups and alert state, built from the shared `TABLE_DEFINITION` so it
 * matches the local stack exactly. On-demand by default: nothing is paid for capacity while idle. With
 * `provisioned`, every read and write capacity (table and indexes) is scaled on utilization between its floor
 * and ceiling.
 */
export class MonitorTable extends Construct {
  public readonly table: Table;

  public constructor(scope: Construct, id: string, props: MonitorTableProps = {}) {
    super(scope, id);
    const provisioned = props.provisioned;
    const floor = provisioned
      ? { readCapacity: provisioned.minReadUnits, writeCapacity: provisioned.minWriteUnits }
      : {};
    this.table = new Table(this, 'Table', {
      partitionKey: { name: TABLE_DEFINITION.partitionKey, type: AttributeType.STRING },
      sortKey: { name: TABLE_DEFINITION.sortKey, type: AttributeType.STRING },
      billingMode: provisioned ? BillingMode.PROVISIONED : BillingMode[TABLE_DEFINITION.billingMode],
      ...floor,
      stream: StreamViewType[TABLE_DEFINITION.streamViewType],
      timeToLiveAttribute: TABLE_DEFINITION.ttlAttribute,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: props.deletionProtection ?? true,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    });
    const indexes = [
      ...TABLE_DEFINITION.globalSecondaryIndexes,
      ...(props.keepLegacyDimensionIndex ? [LEGACY_INDEX.byDimensionAll] : []),
      ...(props.keepSessionIndex ? [LEGACY_INDEX.bySession] : []),
    ];
    for (const index of indexes) {
      this.table.addGlobalSecondaryIndex({
        indexName: index.name,
        partitionKey: { name: index.partition, type: AttributeType.STRING },
        sortKey: { name: index.sort, type: AttributeType.STRING },
        projectionType: ProjectionType[index.projection],
        ...floor,
      });
    }
    if (provisioned) this.scale(provisioned, indexes);
  }

  private scale(limits: ProvisionedCapacity, indexes: readonly { name: string }[]): void {
    const target = { targetUtilizationPercent: limits.targetUtilizationPercent };
    const reads = { minCapacity: limits.minReadUnits, maxCapacity: limits.maxReadUnits };
    const writes = { minCapacity: limits.minWriteUnits, maxCapacity: limits.maxWriteUnits };
    this.table.autoScaleReadCapacity(reads).scaleOnUtilization(target);
    this.table.autoScaleWriteCapacity(writes).scaleOnUtilization(target);
    for (const index of indexes) {
      this.table.autoScaleGlobalSecondaryIndexReadCapacity(index.name, reads).scaleOnUtilization(target);
      this.table.autoScaleGlobalSecondaryIndexWriteCapacity(index.name, writes).scaleOnUtilization(target);
    }
  }
}
