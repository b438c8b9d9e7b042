import { afterEach, describe, expect, it, vi } from 'vitest';
import { createReconcilerRuntime } from '../../../functions/reconciler/runtime';

const ENV = {
  CLAUDE_MONITOR_TABLE: 'runtime-check',
  CLAUDE_MONITOR_RECONCILIATION: '{"bedrock":{"enabled":true}}',
  AWS_REGION: 'us-east-1',
};

afterEach(() => {
  vi.restoreAllMocks();
});

describe('reconciler runtime', () => {
  it('sends each metric to CloudWatch as an EMF document with the Source dimension', () => {
    // Prepare: Powertools writes EMF documents to stdout, where Lambda hands them to CloudWatch.
    const lines: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    });
    const deps = createReconcilerRuntime({ ...ENV });

    // Act
    deps.metrics.put('bedrock', 'ReconciliationErrors', 'Count', 1);

    // Assess
    const documents = lines.filter((line) => line.startsWith('{"_aws"')).map((line) => JSON.parse(line));
    expect(documents).toHaveLength(1);
    expect(documents[0]).toMatchObject({ Source: 'bedrock', ReconciliationErrors: 1 });
    expect(documents[0]._aws.CloudWatchMetrics[0]).toMatchObject({
      Namespace: 'ClaudeMonitor',
      Dimensions: [expect.arrayContaining(['Source'])],
      Metrics: [{ Name: 'ReconciliationErrors', Unit: 'Count' }],
    });
  });

  it('compares the Claude API bill, and Bedrock only when enabled', async () => {
    // Act
    const on = createReconcilerRuntime({ ...ENV, CLAUDE_MONITOR_ADMIN_KEY: '' });
    const off = createReconcilerRuntime({ ...ENV, CLAUDE_MONITOR_RECONCILIATION: '{}' });

    // Assess: without an admin key the Anthropic source says what to do instead of calling out.
    expect(on.sources.map((s) => s.source)).toEqual(['anthropic', 'bedrock']);
    expect(await on.sources[0]!.open()).toEqual({
      hint: expect.stringMatching(/^No Anthropic admin key is configured/),
    });
    expect('reader' in (await on.sources[1]!.open())).toBe(true);
    expect(await off.sources[1]!.open()).toEqual({
      hint: expect.stringMatching(/^Bedrock spend is not compared/),
    });
  });
});
