import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { Repository } from 'aws-cdk-lib/aws-ecr';
import {
  Code,
  DockerImageCode,
  DockerImageFunction,
  Function as LambdaFunction,
  Runtime,
} from 'aws-cdk-lib/aws-lambda';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import { ENV, LAYER_PATHS } from 'claude-monitor/domain';
import { describe, expect, it } from 'vitest';
import { ClaudeMonitor } from '../../infra/constructs/claude-monitor';
import { UnsupportedFunctionError } from '../../infra/constructs/errors';
import { NO_BUNDLING, SYNTH_TIMEOUT, synthMonitorStack } from './support/synth-stack';

/** A function of any runtime, its code in S3 (inline code exists for only some runtimes). */
const functionOn = (stack: Stack, id: string, runtime: Runtime, handler = 'index.handler') =>
  new LambdaFunction(stack, id, {
    runtime,
    handler,
    code: Code.fromBucket(Bucket.fromBucketName(stack, `${id}Code`, 'function-code'), `${id}.zip`),
  });

describe('attach(): runtimes', () => {
  it('accepts Node.js 22 and 24 and declares both on the layer, for arm64 and x86_64', SYNTH_TIMEOUT, () => {
    // Prepare and act
    const { template } = synthMonitorStack({}, (stack) => {
      stack.monitor.attach(functionOn(stack, 'Node22', Runtime.NODEJS_22_X));
      stack.monitor.attach(functionOn(stack, 'Node24', Runtime.NODEJS_24_X));
    });
    // Assess
    template.hasResourceProperties('AWS::Lambda::LayerVersion', {
      CompatibleRuntimes: ['nodejs22.x', 'nodejs24.x'],
      CompatibleArchitectures: ['arm64', 'x86_64'],
    });
    for (const runtime of ['nodejs22.x', 'nodejs24.x']) {
      template.hasResourceProperties('AWS::Lambda::Function', {
        Runtime: runtime,
        Handler: LAYER_PATHS.wrapperHandler,
      });
    }
  });

  it.each([
    [
      Runtime.NODEJS_20_X,
      /nodejs20\.x is deprecated by Lambda, which blocks updates of its functions \(nodejs20\.x since 2026-09-30\); move the function to nodejs22\.x and nodejs24\.x/,
    ],
    [
      Runtime.PYTHON_3_13,
      /the layer is a Node\.js layer: it runs on nodejs22\.x and nodejs24\.x, not on python3\.13/,
    ],
    [Runtime.JAVA_21, /not on java21/],
    [Runtime.PROVIDED_AL2023, /not on provided\.al2023/],
  ])('refuses %s with its reason', (runtime, reason) => {
    // Prepare
    const app = new App({ context: NO_BUNDLING });
    const stack = new Stack(app, 'Refused');
    const monitor = new ClaudeMonitor(stack, 'Monitor');
    const fn = functionOn(stack, 'Fn', runtime);
    // Act
    const act = () => monitor.attach(fn);
    // Assess
    expect(act).toThrow(UnsupportedFunctionError);
    expect(act).toThrow(reason);
  });

  it('refuses a container image function, which cannot take layers', () => {
    // Prepare
    const app = new App({ context: NO_BUNDLING });
    const stack = new Stack(app, 'Image');
    const monitor = new ClaudeMonitor(stack, 'Monitor');
    const repository = Repository.fromRepositoryName(stack, 'Repo', 'my-function');
    const fn = new DockerImageFunction(stack, 'Fn', { code: DockerImageCode.fromEcr(repository) });
    // Act
    const act = () => monitor.attach(fn as unknown as LambdaFunction);
    // Assess
    expect(act).toThrow(/container image function, which cannot use layers/);
  });

  it('refuses a function attached twice rather than wrapping the wrapper', () => {
    // Prepare
    const app = new App({ context: NO_BUNDLING });
    const stack = new Stack(app, 'Twice');
    const monitor = new ClaudeMonitor(stack, 'Monitor');
    const fn = functionOn(stack, 'Fn', Runtime.NODEJS_22_X);
    monitor.attach(fn);
    // Act
    const act = () => monitor.attach(fn);
    // Assess
    expect(act).toThrow(/already attached/);
  });

  it('keeps the handler in explicit mode, for code that monitors itself', SYNTH_TIMEOUT, () => {
    // Prepare and act
    const { template } = synthMonitorStack({}, (stack) => {
      stack.monitor.attach(functionOn(stack, 'Explicit', Runtime.NODEJS_24_X, 'src/chat.main'), {
        instrumentation: 'explicit',
      });
    });
    // Assess
    template.hasResourceProperties('AWS::Lambda::Function', { Handler: 'src/chat.main' });
    const fn = Object.values(
      template.findResources('AWS::Lambda::Function', { Properties: { Handler: 'src/chat.main' } }),
    )[0] as {
      Properties: { Environment: { Variables: Record<string, unknown> } };
    };
    expect(fn.Properties.Environment.Variables[ENV.originalHandler]).toBeUndefined();
  });
});

describe('attach(): a function in another stack', () => {
  const app = new App({ context: NO_BUNDLING });
  const monitorStack = new Stack(app, 'MonitorStack');
  const monitor = new ClaudeMonitor(monitorStack, 'Monitor', { stageName: 'dev' });
  const appStack = new Stack(app, 'AppStack');
  monitor.attach(functionOn(appStack, 'Chat', Runtime.NODEJS_22_X));
  const consumer = Template.fromStack(appStack).toJSON();
  const producer = Template.fromStack(monitorStack).toJSON();

  it('reads the layer version from SSM at deploy time: no import of the layer ARN, no export of it', () => {
    // Prepare
    const fn = Object.values(
      consumer.Resources as Record<string, { Type: string; Properties: { Layers?: unknown[] } }>,
    ).find((resource) => resource.Type === 'AWS::Lambda::Function')!;
    const layerId = Object.keys(producer.Resources).find(
      (id) => producer.Resources[id].Type === 'AWS::Lambda::LayerVersion',
    )!;
    // Act
    const layers = JSON.stringify(fn.Properties.Layers);
    const exports = JSON.stringify(producer.Outputs ?? {});
    // Assess
    expect(layers).not.toContain('Fn::ImportValue');
    expect(layers).toMatch(/"Ref":"SsmParameterValue/);
    expect(
      Object.values(consumer.Parameters as Record<string, { Type: string; Default: string }>),
    ).toContainEqual({
      Type: 'AWS::SSM::Parameter::Value<String>',
      Default: '/claude-monitor/dev/layer-version-arn',
    });
    expect(exports).not.toContain(layerId);
  });

  it('deploys after the monitor stack', () => {
    // Assess
    expect(appStack.dependencies.map((stack) => stack.stackName)).toContain('MonitorStack');
  });

  it("subscribes the replay function from the function's own stack, so the app synthesizes with no cycle", () => {
    // Act
    const assembly = app.synth();
    const resources = Object.values(
      consumer.Resources as Record<string, { Type: string; Properties: Record<string, unknown> }>,
    );

    // Assess
    expect(assembly.stacks.map((stack) => stack.stackName).sort()).toEqual(['AppStack', 'MonitorStack']);
    expect(monitorStack.dependencies).toEqual([]);
    expect(resources.filter((r) => r.Type === 'AWS::Logs::SubscriptionFilter')).toHaveLength(1);
    expect(resources.filter((r) => r.Type === 'AWS::Lambda::Permission')).toContainEqual(
      expect.objectContaining({
        Properties: expect.objectContaining({ Principal: 'logs.amazonaws.com' }),
      }),
    );
  });
});
