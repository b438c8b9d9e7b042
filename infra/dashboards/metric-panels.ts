import { METRIC, METRIC_DIMENSION, METRIC_NAMESPACE } from 'claude-monitor/domain';

/** One chart of the metrics dashboards: a CloudWatch Metrics Insights query over one metric and schema. */
export interface MetricPanel {
  title: string;
  metric: string;
  /** The dimension set of the schema, exactly as the metric is emitted with it. */
  dimensions: readonly string[];
  /** Dimension the series are split by. */
  groupBy: string;
  /** How the values of a period combine: a sum, or the largest (figures re-emitted by every run). */
  stat: 'SUM' | 'MAX';
}

const CALL_DIMENSIONS = [METRIC_DIMENSION.functionName, METRIC_DIMENSION.model] as const;
const HEALTH_DIMENSIONS = [METRIC_DIMENSION.functionName] as const;
/** The functions' own metrics carry Powertools' `service` dimension (`SERVICE`), some one more. */
const SERVICE_DIMENSIONS = [METRIC_DIMENSION.service] as const;
const CHANNEL_DIMENSIONS = [METRIC_DIMENSION.channel, METRIC_DIMENSION.service] as const;
const SOURCE_DIMENSIONS = [METRIC_DIMENSION.source, METRIC_DIMENSION.service] as const;

const layerPanel = (
  title: string,
  metric: string,
  dimensions: readonly string[],
  groupBy: string,
): MetricPanel => ({ title, metric, dimensions, groupBy, stat: 'SUM' });

/**
 * A panel over a function's metric, split by its first dimension (service, channel or source). The
 * reconciliation figures are re-emitted by each run for the same day, so they read as the largest value.
 */
const functionPanel = (
  title: string,
  metric: string,
  dimensions: readonly string[],
  stat: MetricPanel['stat'] = 'SUM',
): MetricPanel => ({ title, metric, dimensions, groupBy: dimensions[0]!, stat });

/** The functions' metrics: aggregation, alerts, notifications, replay and reconciliation. */
const FUNCTION_PANELS: readonly MetricPanel[] = [
  functionPanel('Poison stream records', METRIC.poisonRecords, SERVICE_DIMENSIONS),
  functionPanel('Alerts published by service', METRIC.alertsPublished, SERVICE_DIMENSIONS),
  functionPanel('Alerts waiting in the outbox', METRIC.alertsPending, SERVICE_DIMENSIONS),
  functionPanel('Notifications delivered by channel', METRIC.notificationsDelivered, CHANNEL_DIMENSIONS),
  functionPanel('Notification retries by channel', METRIC.notificationsRetried, CHANNEL_DIMENSIONS),
  functionPanel('Notifications failed by channel', METRIC.notificationsFailed, CHANNEL_DIMENSIONS),
  functionPanel('Notifications held for a digest', METRIC.notificationsDigested, CHANNEL_DIMENSIONS),
  functionPanel('Logged records replayed', METRIC.recordsReplayed, SERVICE_DIMENSIONS),
  functionPanel('Replay failures', METRIC.replayFailures, SERVICE_DIMENSIONS),
  functionPanel('Reconciled: tracked (USD)', METRIC.reconciledTrackedUsd, SOURCE_DIMENSIONS, 'MAX'),
  functionPanel('Reconciled: billed (USD)', METRIC.reconciledBilledUsd, SOURCE_DIMENSIONS, 'MAX'),
  functionPanel('Billed minus tracked (USD)', METRIC.reconciliationDifferenceUsd, SOURCE_DIMENSIONS, 'MAX'),
  functionPanel('Unmonitored spend (USD)', METRIC.unmonitoredSpendUsd, SOURCE_DIMENSIONS, 'MAX'),
  functionPanel('Reconciliation errors', METRIC.reconciliationErrors, SOURCE_DIMENSIONS),
];

/**
 * The panels both dashboards (CloudWatch in the stack, Grafana JSON in docs/) are built from: the metrics the
 * layer emits (Embedded Metric Format, see the layer's `emfDocuments`), then the functions' own (Powertools).
 */
export const METRIC_PANELS: readonly MetricPanel[] = [
  layerPanel('Cost (USD) by model', METRIC.costUsd, CALL_DIMENSIONS, METRIC_DIMENSION.model),
  layerPanel('Cost (USD) by function', METRIC.costUsd, CALL_DIMENSIONS, METRIC_DIMENSION.functionName),
  layerPanel('Calls by model', METRIC.calls, CALL_DIMENSIONS, METRIC_DIMENSION.model),
  layerPanel('Errors by function', METRIC.errors, CALL_DIMENSIONS, METRIC_DIMENSION.functionName),
  layerPanel('Input tokens by model', METRIC.inputTokens, CALL_DIMENSIONS, METRIC_DIMENSION.model),
  layerPanel('Output tokens by model', METRIC.outputTokens, CALL_DIMENSIONS, METRIC_DIMENSION.model),
  layerPanel('Cache read tokens by model', METRIC.cacheReadTokens, CALL_DIMENSIONS, METRIC_DIMENSION.model),
  layerPanel('Cache write tokens by model', METRIC.cacheWriteTokens, CALL_DIMENSIONS, METRIC_DIMENSION.model),
  layerPanel('Unpriced calls by model', METRIC.unpricedCalls, CALL_DIMENSIONS, METRIC_DIMENSION.model),
  layerPanel(
    'Calls refused by a budget, by function',
    METRIC.budgetRefusals,
    CALL_DIMENSIONS,
    METRIC_DIMENSION.functionName,
  ),
  layerPanel(
    'Calls sent unchecked (budget check unavailable)',
    METRIC.budgetChecksUnavailable,
    CALL_DIMENSIONS,
    METRIC_DIMENSION.functionName,
  ),
  layerPanel(
    'Records not written',
    METRIC.recordsNotWritten,
    HEALTH_DIMENSIONS,
    METRIC_DIMENSION.functionName,
  ),
  layerPanel('Monitoring failures', METRIC.monitorFailures, HEALTH_DIMENSIONS, METRIC_DIMENSION.functionName),
  ...FUNCTION_PANELS,
];

/** The Metrics Insights query of a panel, e.g. `SELECT SUM(CostUsd) FROM SCHEMA("ClaudeMonitor", FunctionName, Model) GROUP BY Model`. */
export const panelQuery = (panel: MetricPanel): string =>
  `SELECT ${panel.stat}(${panel.metric}) FROM SCHEMA("${METRIC_NAMESPACE}", ${panel.dimensions.join(', ')}) GROUP BY ${panel.groupBy}`;

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
