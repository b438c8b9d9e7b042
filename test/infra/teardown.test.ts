import { describe, expect, it } from 'vitest';
import { synthMonitorStack } from './support/synth-stack';

describe('what cdk destroy leaves behind (docs/deploy.md, Tear down)', () => {
  const resources = Object.values(synthMonitorStack().template.toJSON().Resources) as {
    Type: string;
    DeletionPolicy?: string;
    Properties: Record<string, unknown>;
  }[];
  const ofType = (type: string) => resources.filter((resource) => resource.Type === type);

  it('schedules the alert topic key for deletion after a 30-day waiting period', () => {
    // Act
    const [key] = ofType('AWS::KMS::Key');
    // Assess
    expect(key).toMatchObject({ DeletionPolicy: 'Delete', Properties: { PendingWindowInDays: 30 } });
  });

  it('keeps every layer version, since functions deployed elsewhere may still name it', () => {
    // Act
    const layers = ofType('AWS::Lambda::LayerVersion');
    // Assess
    expect(layers.map((layer) => layer.DeletionPolicy)).toEqual(['Retain']);
  });

  it('keeps the table by default', () => {
    // Act
    const tables = ofType('AWS::DynamoDB::Table');
    // Assess
    expect(tables.map((table) => table.DeletionPolicy)).toEqual(['Retain']);
  });
});
