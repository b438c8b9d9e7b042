import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { ClaudeMonitor } from '../constructs/claude-monitor';
import type { ClaudeMonitorProps } from '../constructs/claude-monitor-props';
import { DASHBOARD_PATH } from '../constructs/monitor-api';

export interface ClaudeMonitorStackProps extends StackProps {
  /** Props of the monitor. @default - every default of `ClaudeMonitorProps` */
  readonly monitor?: ClaudeMonitorProps;
}

/** The ready-made stack `cdk deploy` deploys from this repository, with the outputs users need. */
export class ClaudeMonitorStack extends Stack {
  public readonly monitor: ClaudeMonitor;

  public constructor(scope: Construct, id: string, props: ClaudeMonitorStackProps = {}) {
    super(scope, id, props);
    this.monitor = new ClaudeMonitor(this, 'Monitor', props.monitor);
    const outputs: Record<string, { value: string; description: string }> = {
      LayerVersionArn: {
        value: this.monitor.layer.layerVersionArn,
        description: 'Add this layer to a function to monitor its Claude calls',
      },
      LayerArnParameter: {
        value: this.monitor.layerArnParameter.parameterName,
        description: 'SSM parameter that always holds the current layer version ARN',
      },
      TableName: { value: this.monitor.table.tableName, description: 'Table of call records and rollups' },
      TableArn: {
        value: this.monitor.table.tableArn,
        description: 'For the policy of functions outside this app',
      },
      AlertTopicArn: { value: this.monitor.alertTopic.topicArn, description: 'Subscribe to receive alerts' },
      ApiUrl: { value: this.monitor.api.url, description: 'Base URL of the monitor API' },
      DashboardUrl: {
        value: `${this.monitor.api.url}${DASHBOARD_PATH.slice(1)}`,
        description: 'Open with ?token=<API token> once',
      },
      ApiTokenSecretArn: {
        value: this.monitor.apiTokenSecret.secretArn,
        description: 'Secrets Manager secret holding the API bearer token',
      },
      ReplayFunctionArn: {
        value: this.monitor.recordReplay.replayFunction.functionArn,
        description: 'Subscribe the log group of a function monitored outside this app to this function',
      },
    };
    if (this.monitor.reconciler) {
      outputs.AdminKeySecretArn = {
        value: this.monitor.reconciler.adminKeySecret.secretArn,
        description: 'Put the Anthropic Admin API key here to compare tracked spend with the bill',
      };
    }
    for (const [id, output] of Object.entries(outputs)) new CfnOutput(this, id, output);
  }
}
