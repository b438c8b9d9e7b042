import { Duration } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { BUDGET_KEY_PATTERN, ENV, SERVICE } from 'claude-monitor/domain';
import { Construct } from 'constructs';
import { MonitorFunction } from './monitor-function';

export interface BudgetSweeperProps {
  readonly table: ITable;
  readonly logRetention: RetentionDays;
  /** JSON of the enforcement settings (its `reservationTtlSeconds` is what the sweep waits for). */
  readonly budgetEnforcement: string;
}

const onKeys = (actions: string[], table: ITable, pattern: string) =>
  new PolicyStatement({
    actions,
    resources: [table.tableArn],
    conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [pattern] } },
  });

/**
 * Releases the budget reservations of calls that never settled (a crashed, timed-out or frozen function),
 * once they are older than the reservation TTL: a function every minute, reading the minutes that expired
 * since its last run. It may read and update budget windows, read the minute markers, and keep its cursor;
 * nothing else.
 */
export class BudgetSweeper extends Construct {
  public readonly sweepFunction: MonitorFunction;

  public constructor(scope: Construct, id: string, props: BudgetSweeperProps) {
    super(scope, id);
    this.sweepFunction = new MonitorFunction(this, 'SweepFunction', {
      entry: 'functions/aggregator/budget-sweep-handler.ts',
      description: 'Releases budget reservations of Claude calls that never settled',
      logRetention: props.logRetention,
      timeout: Duration.seconds(50),
      environment: {
        [ENV.tableName]: props.table.tableName,
        [ENV.budgetEnforcement]: props.budgetEnforcement,
        POWERTOOLS_SERVICE_NAME: SERVICE.budgetSweep,
      },
    });
    for (const statement of [
      onKeys(['dynamodb:GetItem', 'dynamodb:UpdateItem'], props.table, BUDGET_KEY_PATTERN.window),
      onKeys(['dynamodb:Query'], props.table, BUDGET_KEY_PATTERN.slot),
      onKeys(['dynamodb:GetItem', 'dynamodb:PutItem'], props.table, BUDGET_KEY_PATTERN.sweep),
    ]) {
      this.sweepFunction.addToRolePolicy(statement);
    }
    new Rule(this, 'Schedule', {
      description: 'Releases expired budget reservations every minute',
      schedule: Schedule.rate(Duration.minutes(1)),
      targets: [new LambdaFunction(this.sweepFunction, { retryAttempts: 0 })],
    });
  }
}
