import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { readConfigContext, readConfigFile, resolveConfig } from '../config/load-config';
import { CONFIG_CONTEXT_KEY, CONFIG_FILE_NAME } from '../config/monitor-config';
import { repoPath } from '../constructs/repo-paths';
import { ClaudeMonitorStack } from '../stacks/claude-monitor-stack';

const app = new App();
const { stackName, props } = resolveConfig(
  readConfigFile(repoPath(CONFIG_FILE_NAME)),
  readConfigContext(app.node.tryGetContext(CONFIG_CONTEXT_KEY), CONFIG_CONTEXT_KEY),
);
new ClaudeMonitorStack(app, stackName, {
  monitor: props,
  description: 'Claude usage and cost monitor',
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
});
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
