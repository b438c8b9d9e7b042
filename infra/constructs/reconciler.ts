import { Duration, SecretValue, Validations } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, MathExpression, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Rule, RuleTargetInput, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { type ISecret, Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { ENV, METRIC, METRIC_NAMESPACE, SERVICE } from 'claude-monitor/domain';
import { Construct } from 'constructs';
import { ADMIN_KEY_PLACEHOLDER } from '../../functions/reconciler/admin-key';
import type { ReconciliationConfig } from '../../functions/reconciler/config';
import { MonitorFunction } from './monitor-function';
import { grantTableReadWrite } from './table-access';

/** Daily at 06:15 UTC: the previous day's usage and cost reports have settled by then. */
export const DEFAULT_RECONCILIATION_SCHEDULE = 'cron(15 6 * * ? *)';

export interface ReconcilerProps {
  readonly table: ITable;
  readonly topic: ITopic;
  readonly logRetention: RetentionDays;
  readonly config: ReconciliationConfig;
  /** EventBridge schedule expression, `cron(…)` or `rate(…)`. */
  readonly schedule: string;
  /** An existing secret holding the admin key; without it the construct creates one. */
  readonly adminKeySecretArn?: string;
}

/**
 * The daily comparison of tracked spend with the bill: the reconciler function on a schedule, the secret that
 * holds the Anthropic Admin API key (created with a placeholder, filled by the operator without a deploy),
 * Cost Explorer access when the Bedrock comparison is on, and an alarm when a run cannot read a bill.
 */
export class Reconciler extends Construct {
  public readonly function: MonitorFunction;
  public readonly adminKeySecret: ISecret;
  public readonly schedule: Rule;
  public readonly errorsAlarm: Alarm;

  public constructor(scope: Construct, id: string, props: ReconcilerProps) {
    super(scope, id);
    if (props.adminKeySecretArn) {
      this.adminKeySecret = Secret.fromSecretCompleteArn(this, 'AdminKey', props.adminKeySecretArn);
    } else {
      const secret = new Secret(this, 'AdminKey', {
        description:
          'Anthropic Admin API key (sk-ant-admin...) the reconciler reads usage and cost reports with; "none" until set',
        // Not a secret: the marker the reconciler reads as "no key yet". The operator puts the key here.
        secretStringValue: SecretValue.unsafePlainText(ADMIN_KEY_PLACEHOLDER),
      });
      Validations.of(secret).acknowledge({
        id: 'AwsSolutions-SMG4',
        reason:
          'Admin API keys are issued and rotated in the Claude Console; the operator puts the new key here.',
      });
      this.adminKeySecret = secret;
    }

    this.function = new MonitorFunction(this, 'Function', {
      entry: 'functions/reconciler/handler.ts',
      description: 'Compares tracked Claude spend with the Anthropic and Bedrock bills, day by day',
      logRetention: props.logRetention,
      memorySize: 512,
      // Two report APIs with paging and SDK retries (60 s per request) on a bad day.
      timeout: Duration.minutes(10),
      environment: {
        [ENV.tableName]: props.table.tableName,
        [ENV.alertTopicArn]: props.topic.topicArn,
        [ENV.reconciliationConfig]: JSON.stringify(props.config),
        [ENV.adminKeySecretArn]: this.adminKeySecret.secretArn,
        POWERTOOLS_SERVICE_NAME: SERVICE.reconciler,
        POWERTOOLS_METRICS_NAMESPACE: METRIC_NAMESPACE,
      },
    });
    grantTableReadWrite(this.function, props.table);
    props.topic.grantPublish(this.function);
    this.adminKeySecret.grantRead(this.function);
    this.function.acknowledgeWildcard(
      'Action::kms:GenerateDataKey*',
      'Granted by the topic to publishers, on the topic key only: SNS asks for a data key per publish.',
    );
    if (props.config.bedrock.enabled) {
      this.function.addToRolePolicy(
        new PolicyStatement({ actions: ['ce:GetCostAndUsage', 'ce:GetDimensionValues'], resources: ['*'] }),
      );
      this.function.acknowledgeWildcard(
        'Resource::*',
        'Cost Explorer has no resource-level permissions; the reconciler only reads cost and usage.',
      );
    }

    this.schedule = new Rule(this, 'Schedule', {
      description: 'Reconciles tracked Claude spend with the bill',
      schedule: Schedule.expression(props.schedule),
      targets: [
        // A source that fails is recorded and alarmed on; the next scheduled run covers the same days again.
        new LambdaFunction(this.function, { event: RuleTargetInput.fromObject({}), retryAttempts: 1 }),
      ],
    });

    this.errorsAlarm = new Alarm(this, 'ErrorsAlarm', {
      alarmDescription:
        'A reconciliation run could not read a bill (admin key refused, throttled, provider down); see the reconciler log',
      metric: new MathExpression({
        expression: `SELECT SUM(${METRIC.reconciliationErrors}) FROM "${METRIC_NAMESPACE}"`,
        usingMetrics: {},
        period: Duration.minutes(5),
        label: METRIC.reconciliationErrors,
      }),
      threshold: 0,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    this.errorsAlarm.addAlarmAction(new SnsAction(props.topic));
  }
}
