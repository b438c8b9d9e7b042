import { RemovalPolicy } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { SYNTH_TIMEOUT, synthMonitorStack } from './support/synth-stack';

describe('monitor table', () => {
  const { template } = synthMonitorStack();

  it('streams new images of the items to the aggregator', () => {
    // Prepare: the stack with default props, synthesized above
    // Act
    const tables = template.findResources('AWS::DynamoDB::Table', {
      Properties: { StreamSpecification: { StreamViewType: 'NEW_IMAGE' } },
    });
    // Assess
    expect(Object.keys(tables)).toHaveLength(1);
  });

  it('expires raw call records through TTL on expiresAt', () => {
    // Prepare: default stack
    // Act
    const assess = () =>
      template.hasResourceProperties('AWS::DynamoDB::Table', {
        TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
      });
    // Assess
    expect(assess).not.toThrow();
  });

  it('keeps point-in-time recovery on and bills on demand', () => {
    // Prepare: default stack
    // Act
    const assess = () =>
      template.hasResourceProperties('AWS::DynamoDB::Table', {
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        BillingMode: 'PAY_PER_REQUEST',
      });
    // Assess
    expect(assess).not.toThrow();
  });

  it('retains the table and protects it from deletion by default', () => {
    // Prepare: default stack
    // Act
    const assess = () =>
      template.hasResource('AWS::DynamoDB::Table', {
        DeletionPolicy: 'Retain',
        UpdateReplacePolicy: 'Retain',
        Properties: Match.objectLike({ DeletionProtectionEnabled: true }),
      });
    // Assess
    expect(assess).not.toThrow();
  });

  it('lets a user ask for the table to be destroyed with the stack', SYNTH_TIMEOUT, () => {
    // Prepare
    const { template: disposable } = synthMonitorStack({
      removalPolicy: RemovalPolicy.DESTROY,
      deletionProtection: false,
    });
    // Act
    const assess = () =>
      disposable.hasResource('AWS::DynamoDB::Table', {
        DeletionPolicy: 'Delete',
        Properties: Match.objectLike({ DeletionProtectionEnabled: false }),
      });
    // Assess
    expect(assess).not.toThrow();
  });

  it('has the one index of the shared table definition, the group-by index holding keys only', () => {
    // Prepare: default stack
    // Act
    const assess = () =>
      template.hasResourceProperties('AWS::DynamoDB::Table', {
        GlobalSecondaryIndexes: [
          Match.objectLike({ IndexName: 'byDimensionKeys', Projection: { ProjectionType: 'KEYS_ONLY' } }),
        ],
      });
    // Assess
    expect(assess).not.toThrow();
  });

  it('keeps the earlier indexes for an upgrade only when asked', SYNTH_TIMEOUT, () => {
    // Prepare: the first and second deploys of an upgrade from the oldest layout (docs/deploy.md)
    const { template: upgrading } = synthMonitorStack({
      keepLegacyDimensionIndex: true,
      keepSessionIndex: true,
    });
    const { template: dropping } = synthMonitorStack({ keepSessionIndex: true });
    const indexNames = (t: typeof template) =>
      Object.values(t.findResources('AWS::DynamoDB::Table')).flatMap((table) =>
        (table.Properties.GlobalSecondaryIndexes as { IndexName: string }[]).map((index) => index.IndexName),
      );
    // Act
    const assess = () =>
      upgrading.hasResourceProperties('AWS::DynamoDB::Table', {
        GlobalSecondaryIndexes: Match.arrayWith([
          Match.objectLike({ IndexName: 'byDimension', Projection: { ProjectionType: 'ALL' } }),
        ]),
      });
    // Assess
    expect(assess).not.toThrow();
    expect(indexNames(upgrading)).toEqual(['byDimensionKeys', 'byDimension', 'bySession']);
    expect(indexNames(dropping)).toEqual(['byDimensionKeys', 'bySession']);
    expect(indexNames(template)).toEqual(['byDimensionKeys']);
  });
});
