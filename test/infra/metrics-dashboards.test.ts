import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { grafanaDashboard, METRIC_PANELS } from '../../infra/dashboards/metric-panels';
import { emfDocuments } from '../../layers/claude-monitor/src/recorder/emf';
import { makeCallRecord } from '../helpers/call-records';
import { synthMonitorStack } from './support/synth-stack';

/** `metric|Dim1,Dim2` of every metric the layer emits, read from the EMF documents it writes. */
const emitted = (): Set<string> => {
  const documents = emfDocuments([makeCallRecord(), makeCallRecord({ functionName: undefined })], {
    recordsNotWritten: 1,
    monitorFailures: 1,
  }) as {
    _aws: { CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string }[] }[] };
  }[];
  const out = new Set<string>();
  for (const document of documents) {
    for (const block of document._aws.CloudWatchMetrics) {
      for (const metric of block.Metrics) {
        for (const dims of block.Dimensions)
          out.add(`${block.Namespace}|${metric.Name}|${[...dims].sort().join(',')}`);
      }
    }
  }
  return out;
};

/** `namespace|metric|dims` of every Metrics Insights query in a text (escaped quotes allowed). */
const queried = (text: string): string[] =>
  [...text.matchAll(/SELECT SUM\((\w+)\) FROM SCHEMA\(\\*"(\w+)\\*", ([\w, ]+)\)/g)].map(
    (m) => `${m[2]}|${m[1]}|${m[3]!.split(', ').sort().join(',')}`,
  );

describe('metrics dashboards', () => {
  const { template } = synthMonitorStack();

  it('the CloudWatch dashboard uses only metrics the layer emits, with the same dimensions', () => {
    // Prepare
    const dashboards = Object.values(template.findResources('AWS::CloudWatch::Dashboard'));

    // Act
    const queries = queried(JSON.stringify(dashboards));

    // Assess
    expect(dashboards).toHaveLength(1);
    expect(queries).toHaveLength(METRIC_PANELS.length);
    const known = emitted();
    for (const query of queries) expect(known, query).toContain(query);
  });

  it('the Grafana dashboard in docs/ is current and uses only metrics the layer emits', () => {
    // Prepare
    const file = readFileSync('docs/grafana-dashboard.json', 'utf8');

    // Act
    const queries = queried(file);

    // Assess
    expect(JSON.parse(file)).toEqual(grafanaDashboard());
    expect(queries).toHaveLength(METRIC_PANELS.length);
    const known = emitted();
    for (const query of queries) expect(known, query).toContain(query);
  });

  it('would catch a metric emitted under other dimensions', () => {
    // Act
    const known = emitted();

    // Assess: the health counters are per function only, the call metrics per function and model.
    expect(known).toContain('ClaudeMonitor|RecordsNotWritten|FunctionName');
    expect(known).not.toContain('ClaudeMonitor|RecordsNotWritten|FunctionName,Model');
    expect(known).not.toContain('ClaudeMonitor|CostUsd|FunctionName');
  });
});
