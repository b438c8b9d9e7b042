import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { buildLayerDir, createTempDir, type TempDir } from '../../helpers/lambda/fixture-dirs';
import { defaultNodePath } from '../../helpers/lambda/lambda-environment';
import { startLambdaFunction } from '../../helpers/lambda/lambda-function';
import { describeWithLambda } from '../../helpers/lambda/mount-namespace';
import { LAMBDA_RUNTIMES, type LambdaFunction } from '../../helpers/lambda/types';
import { fixturePath, payloadOf } from './fixtures';

const LETTERS_AND_DIGITS = /^[a-zA-Z\d]+$/;

describeWithLambda('what a function sees of its execution environment', () => {
  let layer: TempDir;

  beforeAll(() => {
    layer = createTempDir('lambda-env-layer-');
    buildLayerDir(layer.path, {
      packages: {
        'layer-only-cjs': fixturePath('packages', 'layer-only-cjs'),
        'layer-only-esm': fixturePath('packages', 'layer-only-esm'),
      },
    });
  });

  afterAll(() => layer?.remove());

  describe.each(LAMBDA_RUNTIMES)('%s', (runtime) => {
    let fn: LambdaFunction;
    let seen: Record<string, unknown>;
    let requestId: string;

    beforeAll(async () => {
      fn = await startLambdaFunction({
        runtime,
        taskDir: fixturePath('functions', 'environment'),
        handler: 'index.handler',
        layerDir: layer.path,
        functionName: 'environment-probe',
        memoryMb: 256,
        region: 'eu-west-1',
        environment: { DYNAMODB_ENDPOINT: inject('dynamoEndpoint'), OWN_SETTING: 'kept' },
      });
      const result = await fn.invoke({});
      requestId = result.requestId;
      seen = payloadOf(result);
    });

    afterAll(() => fn?.kill());

    it("sets the runtime's environment variables and keeps the function's own", () => {
      // Prepare
      const env = seen.env as Record<string, string>;
      // Assess
      expect(env).toMatchObject({
        _HANDLER: 'index.handler',
        LAMBDA_TASK_ROOT: '/var/task',
        LAMBDA_RUNTIME_DIR: '/var/runtime',
        AWS_EXECUTION_ENV: `AWS_Lambda_${runtime}`,
        AWS_LAMBDA_FUNCTION_NAME: 'environment-probe',
        AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
        AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '256',
        AWS_LAMBDA_LOG_GROUP_NAME: '/aws/lambda/environment-probe',
        AWS_REGION: 'eu-west-1',
        AWS_DEFAULT_REGION: 'eu-west-1',
        TZ: ':UTC',
        LANG: 'en_US.UTF-8',
        PATH: '/var/lang/bin:/usr/local/bin:/usr/bin/:/bin:/opt/bin',
        NODE_PATH: defaultNodePath(runtime),
        OWN_SETTING: 'kept',
      });
      expect(env.AWS_LAMBDA_LOG_STREAM_NAME).toMatch(/^\d{4}\/\d\d\/\d\d\/\[\$LATEST\][\da-f]{32}$/);
      expect(env.AWS_LAMBDA_RUNTIME_API).toMatch(/^127\.0\.0\.1:\d+$/);
      expect(env._X_AMZN_TRACE_ID).toMatch(/^Root=1-[\da-f]{8}-[\da-f]{24};Parent=[\da-f]{16};Sampled=0$/);
      for (const key of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN']) {
        expect(env[key]).toMatch(LETTERS_AND_DIGITS);
      }
      expect(env.HOME).toBeUndefined();
    });

    it("starts node as the runtime's bootstrap does", () => {
      // Prepare: 256 MB gives a new space of 25 MB, semi-spaces of 12 MB and an old space of 231 MB
      const flags = [
        '--expose-gc',
        '--max-http-header-size',
        '81920',
        '--max-semi-space-size=12',
        '--max-old-space-size=231',
      ];
      const moduleFlags =
        runtime === 'nodejs22.x'
          ? ['--no-experimental-require-module', '--no-experimental-detect-module']
          : ['--no-experimental-require-module'];
      // Assess
      expect(seen.execPath).toBe('/var/lang/bin/node');
      expect(seen.execArgv).toEqual([...flags, ...moduleFlags]);
      expect(seen.argv).toEqual(['/var/lang/bin/node', '/var/runtime/index.mjs']);
      expect(seen.cwd).toBe('/var/task');
    });

    it('passes the context of its runtime generation', () => {
      // Prepare
      const context = seen.context as Record<string, unknown>;
      // Assess
      expect(context).toMatchObject({
        awsRequestId: requestId,
        invokedFunctionArn: fn.functionArn,
        functionName: 'environment-probe',
        functionVersion: '$LATEST',
        memoryLimitInMB: '256',
        logGroupName: '/aws/lambda/environment-probe',
      });
      expect(fn.functionArn).toBe('arn:aws:lambda:eu-west-1:123456789012:function:environment-probe');
      expect(context.remainingMs).toBeGreaterThan(0);
      expect(seen.hasCallbackWaitsForEmptyEventLoop).toBe(runtime === 'nodejs22.x');
    });

    it("lays out Lambda's file system: read-only code, runtime and layer, a writable /tmp", () => {
      // Assess
      expect(seen.writable).toEqual({ task: 'EROFS', runtime: 'EROFS', tmp: true });
      expect(seen.opt).toEqual(['nodejs']);
      expect(seen.layerOnlyCjs).toBe('/opt/nodejs/node_modules/layer-only-cjs/index.js');
      expect(seen.layerOnlyEsm).toBe('file:///opt/nodejs/node_modules/layer-only-esm/index.js');
    });

    it('provides the AWS SDK from /var/runtime, working against DynamoDB Local, and nothing else', () => {
      // Assess
      expect(seen.resolved).toEqual({
        dynamodb: '/var/runtime/node_modules/@aws-sdk/client-dynamodb/dist-cjs/index.js',
        utilDynamodb: '/var/runtime/node_modules/@aws-sdk/util-dynamodb/dist-cjs/index.js',
        bedrockRuntime: '/var/runtime/node_modules/@aws-sdk/client-bedrock-runtime/dist-cjs/index.js',
        anthropic: 'MODULE_NOT_FOUND',
      });
      expect(seen.importAnthropic).toBe('ERR_MODULE_NOT_FOUND');
      expect(seen.runtimeHasAnthropic).toBe(false);
      expect(seen.tableNamesIsArray).toBe(true);
    });
  });

  it('drops a disabling flag when NODE_OPTIONS re-enables the feature, as Lambda documents', async () => {
    // Prepare
    const fn = await startLambdaFunction({
      runtime: 'nodejs22.x',
      taskDir: fixturePath('functions', 'environment'),
      handler: 'index.handler',
      layerDir: layer.path,
      environment: {
        DYNAMODB_ENDPOINT: inject('dynamoEndpoint'),
        NODE_OPTIONS: '--experimental-require-module --experimental-detect-module',
      },
    });
    try {
      // Act
      const seenWithOptions = payloadOf(await fn.invoke({}));
      // Assess
      expect(seenWithOptions.execArgv).not.toContain('--no-experimental-require-module');
      expect(seenWithOptions.execArgv).not.toContain('--no-experimental-detect-module');
      expect(seenWithOptions.execArgv).toContain('--expose-gc');
    } finally {
      await fn.kill();
    }
  });
});
