import { existsSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { buildLayerDir, createTempDir, writeFileTree } from '../../helpers/lambda/fixture-dirs';
import { startLambdaFunction } from '../../helpers/lambda/lambda-function';
import { describeWithLambda } from '../../helpers/lambda/mount-namespace';
import { LAMBDA_RUNTIMES, type LambdaFunction, type LambdaFunctionOptions } from '../../helpers/lambda/types';
import { errorOf, fixturePath, payloadOf } from './fixtures';

const started: LambdaFunction[] = [];
const cleanups: (() => void)[] = [];

const start = async (options: LambdaFunctionOptions): Promise<LambdaFunction> => {
  const fn = await startLambdaFunction(options);
  started.push(fn);
  return fn;
};

afterEach(async () => {
  await Promise.all(started.splice(0).map((fn) => fn.kill()));
  for (const cleanup of cleanups.splice(0)) cleanup();
});

const SHAPES = fixturePath('functions', 'shapes');

describeWithLambda('handler loading', () => {
  describe.each(LAMBDA_RUNTIMES)('%s', (runtime) => {
    it.each([
      ['esm.handler', SHAPES, 'esm.mjs'],
      ['commonjs.handler', SHAPES, 'commonjs.js'],
      ['only-cjs.handler', SHAPES, 'only-cjs.cjs'],
      ['commonjs.nested.fn', SHAPES, 'commonjs.js nested.fn'],
      ['index.handler', fixturePath('functions', 'type-module'), 'type-module index.js'],
    ])('loads %s', async (handler, taskDir, shape) => {
      // Prepare
      const fn = await start({ runtime, taskDir, handler });
      // Act
      const result = await fn.invoke({ hello: 'world' });
      // Assess
      expect(payloadOf(result).shape).toBe(shape);
      expect(fn.state()).toBe('frozen');
    });

    it('loads a handler below the task root (src/handlers/chat.main)', async () => {
      // Prepare
      const fn = await start({ runtime, taskDir: SHAPES, handler: 'src/handlers/chat.main' });
      // Act
      const payload = payloadOf(await fn.invoke({}));
      // Assess
      expect(payload).toEqual({ shape: 'src/handlers/chat.js', dirname: '/var/task/src/handlers' });
    });

    it('runs the handler an exec wrapper puts in place of _HANDLER', async () => {
      // Prepare: the wrapper lives in the layer, as a monitoring layer's wrapper would
      const fn = await start({
        runtime,
        taskDir: SHAPES,
        handler: 'esm.handler',
        layerDir: fixturePath('layers', 'exec-wrapper'),
        environment: { AWS_LAMBDA_EXEC_WRAPPER: '/opt/wrapper' },
      });
      // Act
      const payload = payloadOf(await fn.invoke({}));
      // Assess: the wrapper got node's whole command line and exec'd it
      expect(payload.wrapped).toBe(true);
      expect(payload.originalHandler).toBe('esm.handler');
      expect(payload.argv).toEqual(['/var/lang/bin/node', '/var/runtime/index.mjs']);
    });

    it.each([
      ['missing.handler', 'Runtime.ImportModuleError', /Cannot find module 'missing'/],
      ['../shapes/esm.handler', 'Runtime.MalformedHandlerName', /is not a valid handler name/],
      ['commonjs.absent', 'Runtime.HandlerNotFound', /commonjs.absent is undefined or not exported/],
      ['commonjs.notAFunction', 'Runtime.HandlerNotFound', /commonjs.notAFunction is not a function/],
    ])('fails the first invocation with the init error for %s', async (handler, errorType, message) => {
      // Prepare
      const fn = await start({ runtime, taskDir: SHAPES, handler });
      // Act
      const result = await fn.invoke({});
      // Assess
      expect(errorOf(result).errorType).toBe(errorType);
      expect(errorOf(result).errorMessage).toMatch(message);
      expect(fn.state()).toBe('exited');
    });

    it('refuses a response streaming handler at init with an error that says it is not emulated', async () => {
      // Prepare
      const fn = await start({ runtime, taskDir: SHAPES, handler: 'streaming.handler' });
      // Act
      const error = errorOf(await fn.invoke({}));
      // Assess
      expect(error.errorType).toBe('LambdaHarness.ResponseStreamingNotEmulated');
      expect(error.errorMessage).toMatch(/not emulated by the test harness/);
    });

    it('reports a syntax error in the handler module as Runtime.UserCodeSyntaxError', async () => {
      // Prepare: written at test time, as no linter would let a broken file into the repository
      const task = createTempDir('lambda-syntax-');
      cleanups.push(task.remove);
      writeFileTree(task.path, { 'index.mjs': 'export const handler = async () => {' });
      const fn = await start({ runtime, taskDir: task.path, handler: 'index.handler' });
      // Act
      const error = errorOf(await fn.invoke({}));
      // Assess
      expect(error.errorType).toBe('Runtime.UserCodeSyntaxError');
      expect(error.errorMessage).toMatch(/^SyntaxError: /);
    });

    it('finds packages that only the layer provides, from CommonJS (NODE_PATH) and ES modules', async () => {
      // Prepare
      const layer = createTempDir('lambda-layer-');
      cleanups.push(layer.remove);
      buildLayerDir(layer.path, {
        packages: {
          'layer-only-cjs': fixturePath('packages', 'layer-only-cjs'),
          'layer-only-esm': fixturePath('packages', 'layer-only-esm'),
        },
      });
      const taskDir = fixturePath('functions', 'environment');
      const cjs = await start({ runtime, taskDir, handler: 'layer-cjs.handler', layerDir: layer.path });
      const esm = await start({ runtime, taskDir, handler: 'layer-esm.handler', layerDir: layer.path });
      // Act
      const fromCommonJs = payloadOf(await cjs.invoke({}));
      const fromEsModule = payloadOf(await esm.invoke({}));
      // Assess
      expect(fromCommonJs.origin).toBe('/opt/nodejs/node_modules/layer-only-cjs/index.js');
      expect(fromEsModule.origin).toBe('file:///opt/nodejs/node_modules/layer-only-esm/index.js');
    });
  });
});

describeWithLambda('callback handlers', () => {
  const taskDir = fixturePath('functions', 'callback');

  describe('nodejs22.x', () => {
    it('answers after the event loop is empty by default (the pending timer ran first)', async () => {
      // Prepare
      const fn = await start({ runtime: 'nodejs22.x', taskDir, handler: 'index.handler' });
      // Act
      const payload = payloadOf(await fn.invoke({ n: 1 }));
      // Assess: the file the timer writes exists although the callback was called before it
      expect(payload).toEqual({ viaCallback: true, event: { n: 1 } });
      expect(existsSync(`${fn.tmpDir}/after-callback`)).toBe(true);
      expect(fn.logs().join('\n')).toMatch(/WARN\tAWS Lambda plans to remove support for callback-based/);
    });

    it('answers at once when callbackWaitsForEmptyEventLoop is false', async () => {
      // Prepare
      const fn = await start({ runtime: 'nodejs22.x', taskDir, handler: 'index.noWait' });
      // Act: the hour-long timer would hold a waiting runtime far past the function timeout
      const payload = payloadOf(await fn.invoke({}));
      // Assess
      expect(payload).toEqual({ viaCallback: true, waited: false });
      expect(fn.state()).toBe('frozen');
    });

    it('answers through context.succeed and fails through callback(error)', async () => {
      // Prepare
      const succeeds = await start({ runtime: 'nodejs22.x', taskDir, handler: 'index.succeed' });
      const fails = await start({ runtime: 'nodejs22.x', taskDir, handler: 'index.fails' });
      // Act
      const success = await succeeds.invoke({});
      const failure = await fails.invoke({});
      // Assess
      expect(payloadOf(success)).toEqual({ viaSucceed: true });
      expect(errorOf(failure)).toMatchObject({
        errorType: 'Error',
        errorMessage: 'failed through the callback',
      });
    });
  });

  it('nodejs24.x refuses a callback handler at init with the runtime error', async () => {
    // Prepare
    const fn = await start({ runtime: 'nodejs24.x', taskDir, handler: 'index.handler' });
    // Act
    const error = errorOf(await fn.invoke({}));
    // Assess
    expect(error.errorType).toBe('Runtime.CallbackHandlerDeprecated');
    expect(error.errorMessage).toBe(
      'ERROR: AWS Lambda has removed support for callback-based function handlers starting with Node.js 24. You need to modify this function to use a supported handler signature to use Node.js 24 or later. For more information see https://docs.aws.amazon.com/lambda/latest/dg/nodejs-handler.html.',
    );
    expect(fn.logs().join('\n')).toMatch(
      /ERROR\tInit Error \t\{"errorType":"Runtime.CallbackHandlerDeprecated"/,
    );
  });
});
