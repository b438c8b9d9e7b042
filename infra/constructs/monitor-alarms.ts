import { Duration } from 'aws-cdk-lib';
import type { IHttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  Alarm,
  ComparisonOperator,
  type IMetric,
  MathExpression,
  Stats,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { METRIC, METRIC_NAMESPACE } from 'claude-monitor/domain';
import { Construct } from 'constructs';

export interface MonitorAlarmsProps {
  readonly topic: ITopic;
  readonly aggregator: IFunction;
  /** The budget sweeper: while it fails, reservations of calls that never settled stay held. */
  readonly budgetSweeper: IFunction;
  readonly deadLetterQueue: IQueue;
  readonly api: IHttpApi;
}

const PERIOD = Duration.minutes(5);
/** The stream is 24 hours deep; a backlog of 10 minutes means the aggregator is falling behind. */
const ITERATOR_AGE_LIMIT = Duration.minutes(10);

/**
 * A metric of the calls or of the layer's health, summed over every dimension set it is emitted with (per
 * function, per model...): a Metrics Insights query, because a plain alarm only sees one exact dimension set.
 */
const layerMetricTotal = (metric: string): MathExpression =>
  new MathExpression({
    expression: `SELECT SUM(${metric}) FROM "${METRIC_NAMESPACE}"`,
    usingMetrics: {},
    period: PERIOD,
    label: metric,
  });

/** Operational alarms, all sent to the alert topic (on alarm only; recoveries would double the mail). */
export class MonitorAlarms extends Construct {
  public readonly alarms: Alarm[] = [];

  public constructor(scope: Construct, id: string, props: MonitorAlarmsProps) {
    super(scope, id);
    const action = new SnsAction(props.topic);
    const add = (alarmId: string, description: string, metric: IMetric, threshold: number): void => {
      const alarm = new Alarm(this, alarmId, {
        alarmDescription: description,
        metric,
        threshold,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      });
      alarm.addAlarmAction(action);
      this.alarms.push(alarm);
    };

    add(
      'AggregatorErrors',
      'The aggregator failed: rollups and alerts lag until the batch succeeds or reaches the on-failure queue.',
      props.aggregator.metricErrors({ period: PERIOD, statistic: Stats.SUM }),
      0,
    );
    add(
      'BudgetSweepErrors',
      'The budget sweep failed: reservations of calls that never settled stay held, so enforced budgets refuse early.',
      props.budgetSweeper.metricErrors({ period: PERIOD, statistic: Stats.SUM }),
      0,
    );
    add(
      'AggregatorIteratorAge',
      'The aggregator is behind the table stream: rollups and alerts are late.',
      props.aggregator.metric('IteratorAge', { period: PERIOD, statistic: Stats.MAXIMUM }),
      ITERATOR_AGE_LIMIT.toMilliseconds(),
    );
    add(
      'OnFailureQueueDepth',
      'Call records the aggregator gave up on are waiting in the on-failure queue (run a recompute).',
      props.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
        period: PERIOD,
        statistic: Stats.MAXIMUM,
      }),
      0,
    );
    add(
      'ApiServerErrors',
      'The monitor API answered with 5xx errors.',
      props.api.metricServerError({ period: PERIOD, statistic: Stats.SUM }),
      0,
    );
    add(
      'UnpricedCalls',
      'Calls of a model missing from the price table were recorded: their cost is unknown, not zero.',
      layerMetricTotal(METRIC.unpricedCalls),
      0,
    );
    add(
      'RecordsNotWritten',
      'The layer could not write call records to DynamoDB (they were logged as JSON lines instead).',
      layerMetricTotal(METRIC.recordsNotWritten),
      0,
    );
  }
}
