import { describe, expect, it } from 'vitest';
import { synthMonitorStack } from './support/synth-stack';

type Fn = {
  Properties: { Runtime: string; Architectures: string[]; LoggingConfig?: { LogGroup?: unknown } };
};

describe('function runtime', () => {
  const { template } = synthMonitorStack();
  const functions = Object.values(template.findResources('AWS::Lambda::Function')) as Fn[];

  it('runs every function on Node.js 24 and arm64', () => {
    // Prepare: the nine functions of the stack (aggregator, recompute, outbox, API, authorizer, reconciler,
    // budget sweeper, record replay, insights job)
    // Act
    const runtimes = functions.map((fn) => [fn.Properties.Runtime, fn.Properties.Architectures]);
    // Assess
    expect(runtimes).toHaveLength(9);
    for (const runtime of runtimes) expect(runtime).toEqual(['nodejs24.x', ['arm64']]);
  });

  it('gives every function its own log group with a retention', () => {
    // Prepare
    const groups = template.findResources('AWS::Logs::LogGroup');
    // Act
    const withRetention = Object.values(groups).filter((group) => group.Properties?.RetentionInDays === 30);
    // Assess
    for (const fn of functions) expect(fn.Properties.LoggingConfig?.LogGroup).toBeDefined();
    expect(withRetention.length).toBe(Object.keys(groups).length);
    expect(withRetention.length).toBeGreaterThanOrEqual(functions.length);
  });

  it('publishes a layer for Node.js 22 and 24 and its ARN in SSM', () => {
    // Prepare: default stage prod
    // Act
    const layer = () =>
      template.hasResourceProperties('AWS::Lambda::LayerVersion', {
        CompatibleRuntimes: ['nodejs22.x', 'nodejs24.x'],
      });
    const parameter = () =>
      template.hasResourceProperties('AWS::SSM::Parameter', {
        Name: '/claude-monitor/prod/layer-version-arn',
      });
    // Assess
    expect(layer).not.toThrow();
    expect(parameter).not.toThrow();
    template.hasOutput('LayerVersionArn', {});
  });
});
