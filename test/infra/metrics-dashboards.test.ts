import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { grafanaDashboard, METRIC_PANELS } from '../../infra/dashboards/metric-panels';
import { healthDocument } from '../../layers/claude-monitor/src/recorder/emf';
import { type EmfDocument, functionMetricDocuments } from './support/function-metrics';
import { synthMonitorStack } from './support/synth-stack';

/** The layer's own document: its health counters, printed when a flush could not do everything. */
const layerDocuments = (): EmfDocument[] => {
  const health = healthDocument('fn', { recordsNotWritten: 1, monitorFailures: 1 });
  if (!health) throw new Error('a flush that could not store a record prints no health document');
  return [health];
};

/**
 * `namespace|metric|Dim1,Dim2` of every metric the layer and the functions emit, read from the EMF documents
 * their real code prints.
 */
const emitted = (): Set<string> => {
  const documents = [...layerDocuments(), ...functionMetricDocuments()];
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
  [...text.matchAll(/SELECT (?:SUM|MAX)\((\w+)\) FROM SCHEMA\(\\*"(\w+)\\*", ([\w, ]+)\)/g)].map(
    (m) => `${m[2]}|${m[1]}|${m[3]!.split(', ').sort().join(',')}`,
  );

describe('metrics dashboards', () => {
  const { template } = synthMonitorStack();

  it('the CloudWatch dashboard uses only metrics the layer and the functions emit, with the same dimensions', () => {
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

  it('the Grafana dashboard in docs/ is current and uses only metrics the layer and the functions emit', () => {
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

  it('leaves the CloudWatch dashboard out when the configuration says so', () => {
    // Act
    const { template: without } = synthMonitorStack({ metricsDashboard: false });

    // Assess
    without.resourceCountIs('AWS::CloudWatch::Dashboard', 0);
  });

  it('would catch a metric emitted under other dimensions', () => {
    // Act
    const known = emitted();

    // Assess: the health counters are per function only, the call metrics per function and model.
    expect(known).toContain('ClaudeMonitor|RecordsNotWritten|FunctionName');
    expect(known).not.toContain('ClaudeMonitor|RecordsNotWritten|FunctionName,Model');
    expect(known).not.toContain('ClaudeMonitor|CostUsd|FunctionName');
    // The functions' metrics carry the service; a channel or source comes with it, never alone.
    expect(known).toContain('ClaudeMonitor|PoisonRecords|service');
    expect(known).toContain('ClaudeMonitor|NotificationsDelivered|Channel,service');
    expect(known).not.toContain('ClaudeMonitor|NotificationsDelivered|Channel');
    expect(known).toContain('ClaudeMonitor|ReconciliationDifferenceUsd|Source,service');
  });

  it('covers every metric the layer and the functions emit', () => {
    // Act
    const panels = new Set(METRIC_PANELS.map((panel) => panel.metric));
    const names = new Set([...emitted()].map((key) => key.split('|')[1]!));

    // Assess: the unconfirmed-writes counter is the one health figure left to the logs and alarms.
    expect([...names].filter((name) => !panels.has(name))).toEqual(['RecordsUnconfirmed']);
  });
});
