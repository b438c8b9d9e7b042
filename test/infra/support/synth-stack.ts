import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { ClaudeMonitorProps } from '../../../infra/constructs/claude-monitor-props';
import { ClaudeMonitorStack } from '../../../infra/stacks/claude-monitor-stack';

/** Per-test timeout for tests that synthesize a stack of their own: slow on a busy 2-core machine. */
export const SYNTH_TIMEOUT = { timeout: 120_000 };

/** Context that skips bundling: assertion tests look at the template, not at the bundles. */
export const NO_BUNDLING = { 'aws:cdk:bundling-stacks': [] };

export interface SynthesizedStack {
  app: App;
  stack: ClaudeMonitorStack;
  template: Template;
}

/** The ready stack with the given props, synthesized without bundling. */
export const synthMonitorStack = (
  props: ClaudeMonitorProps = {},
  extend?: (stack: ClaudeMonitorStack) => void,
): SynthesizedStack => {
  const app = new App({ context: NO_BUNDLING });
  const stack = new ClaudeMonitorStack(app, 'TestMonitor', { monitor: props });
  extend?.(stack);
  return { app, stack, template: Template.fromStack(stack) };
};

type Resource = { Type: string; Properties: Record<string, unknown> };
export interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: Record<string, unknown>;
}

/** Logical id of the only function whose description is `description`. */
export const functionIdByDescription = (template: Template, description: string): string => {
  const ids = Object.keys(
    template.findResources('AWS::Lambda::Function', { Properties: { Description: description } }),
  );
  if (ids.length !== 1) throw new Error(`expected one function "${description}", found ${ids.length}`);
  return ids[0]!;
};

/** Logical id of the execution role of a function. */
export const roleIdOfFunction = (template: Template, functionId: string): string => {
  const fn = template.toJSON().Resources[functionId] as Resource;
  const role = fn.Properties.Role as { 'Fn::GetAtt': [string, string] };
  return role['Fn::GetAtt'][0];
};

/** Every statement of every inline policy attached to the role. */
export const statementsOfRole = (template: Template, roleId: string): Statement[] =>
  Object.values(template.findResources('AWS::IAM::Policy') as Record<string, Resource>)
    .filter((policy) =>
      (policy.Properties.Roles as { Ref: string }[] | undefined)?.some((role) => role.Ref === roleId),
    )
    .flatMap((policy) => (policy.Properties.PolicyDocument as { Statement: Statement[] }).Statement);

/** Actions of a list of statements, flattened. */
export const actionsOf = (statements: Statement[]): string[] =>
  statements.flatMap((statement) =>
    Array.isArray(statement.Action) ? statement.Action : [statement.Action],
  );
