import { METRIC, METRIC_DIMENSION, METRIC_NAMESPACE } from 'claude-monitor/domain';

/** One chart of the metrics dashboards: a CloudWatch Metrics Insights query over one metric and schema. */
export interface MetricPanel {
  title: string;
  metric: string;
  /** The dimension set of the schema, exactly as the metric is emitted with it. */
  dimensions: readonly string[];
  /** Dimension the series are split by. */
  groupBy: string;
}

const CALL_DIMENSIONS = [METRIC_DIMENSION.functionName, METRIC_DIMENSION.model] as const;
const HEALTH_DIMENSIONS = [METRIC_DIMENSION.functionName] as const;

/**
 * The panels both dashboards (CloudWatch in the stack, Grafana JSON in docs/) are built from, over the
 * metrics the layer emits (Embedded Metric Format, see the layer's `emfDocuments`).
 */
export const METRIC_PANELS: readonly MetricPanel[] = [
  {
    title: 'Cost (USD) by model',
    metric: METRIC.costUsd,
    dimensions: CALL_DIMENSIONS,
    groupBy: METRIC_DIMENSION.model,
  },
  {
    title: 'Cost (USD) by function',
    metric: METRIC.costUsd,
    dimensions: CALL_DIMENSIONS,
    groupBy: METRIC_DIMENSION.functionName,
  },
  {
    title: 'Calls by model',
    metric: METRIC.calls,
    dimensions: CALL_DIMENSIONS,
    groupBy: METRIC_DIMENSION.model,
  },
  {
    title: 'Errors by function',
    metric: METRIC.errors,
    dimensions: CALL_DIMENSIONS,
    groupBy: METRIC_DIMENSION.functionName,
  },
  {
    title: 'Input tokens by model',
    metric: METRIC.inputTokens,
    dimensions: CALL_DIMENSIONS,
    groupBy: METRIC_DIMENSION.model,
  },
  {
    title: 'Output tokens by model',
    metric: METRIC.outputTokens,
    dimensions: CALL_DIMENSIONS,
    groupBy: METRIC_DIMENSION.model,
  },
  {
    title: 'Cache read tokens by model',
    metric: METRIC.cacheReadTokens,
    dimensions: CALL_DIMENSIONS,
    groupBy: METRIC_DIMENSION.model,
  },
  {
    title: 'Cache write tokens by model',
    metric: METRIC.cacheWriteTokens,
    dimensions: CALL_DIMENSIONS,
    groupBy: METRIC_DIMENSION.model,
  },
  {
    title: 'Unpriced calls by model',
    metric: METRIC.unpricedCalls,
    dimensions: CALL_DIMENSIONS,
    groupBy: METRIC_DIMENSION.model,
  },
  {
    title: 'Records not written',
    metric: METRIC.recordsNotWritten,
    dimensions: HEALTH_DIMENSIONS,
    groupBy: METRIC_DIMENSION.functionName,
  },
  {
    title: 'Monitoring failures',
    metric: METRIC.monitorFailures,
    dimensions: HEALTH_DIMENSIONS,
    groupBy: METRIC_DIMENSION.functionName,
  },
];

/** The Metrics Insights query of a panel, e.g. `SELECT SUM(CostUsd) FROM SCHEMA("ClaudeMonitor", FunctionName, Model) GROUP BY Model`. */
export const panelQuery = (panel: MetricPanel): string =>
  `SELECT SUM(${panel.metric}) FROM SCHEMA("${METRIC_NAMESPACE}", ${panel.dimensions.join(', ')}) GROUP BY ${panel.groupBy}`;

/** Grafana's reference to the dashboard variable holding the chosen CloudWatch data source (not a JS template). */
const DATASOURCE_VARIABLE = ['$', '{datasource}'].join('');

/** An importable Grafana dashboard over the CloudWatch data source (Metrics Insights queries). */
export const grafanaDashboard = () => ({
  title: 'Claude usage & cost (CloudWatch)',
  uid: 'claude-monitor-cloudwatch',
  schemaVersion: 39,
  time: { from: 'now-24h', to: 'now' },
  templating: {
    list: [{ name: 'datasource', type: 'datasource', query: 'cloudwatch', label: 'CloudWatch data source' }],
  },
  panels: METRIC_PANELS.map((panel, i) => ({
    id: i + 1,
    type: 'timeseries',
    title: panel.title,
    datasource: { type: 'cloudwatch', uid: DATASOURCE_VARIABLE },
    gridPos: { h: 8, w: 12, x: (i % 2) * 12, y: Math.floor(i / 2) * 8 },
    targets: [
      {
        refId: 'A',
        datasource: { type: 'cloudwatch', uid: DATASOURCE_VARIABLE },
        queryMode: 'Metrics',
        metricQueryType: 1,
        metricEditorMode: 1,
        namespace: METRIC_NAMESPACE,
        metricName: panel.metric,
        region: 'default',
        sqlExpression: panelQuery(panel),
        period: '300',
      },
    ],
  })),
});
