import { readdirSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createTempDir, type TempDir, writeFileTree } from '../../helpers/lambda/fixture-dirs';
import { startLambdaFunction } from '../../helpers/lambda/lambda-function';
import { describeWithLambda } from '../../helpers/lambda/mount-namespace';
import { readProcessStat } from '../../helpers/lambda/process-state';
import {
  LAMBDA_RUNTIMES,
  type LambdaFunction,
  type LambdaFunctionOptions,
  type LambdaRuntime,
} from '../../helpers/lambda/types';
import { errorOf, fixturePath, payloadOf } from './fixtures';

const started: LambdaFunction[] = [];
const tempDirs: TempDir[] = [];

const start = async (runtime: LambdaRuntime, options: Partial<LambdaFunctionOptions> = {}) => {
  const fn = await startLambdaFunction({
    runtime,
    taskDir: fixturePath('functions', 'lifecycle'),
    handler: 'index.handler',
    ...options,
  });
  started.push(fn);
  return fn;
};

afterEach(async () => {
  await Promise.all(started.splice(0).map((fn) => fn.kill()));
  for (const dir of tempDirs.splice(0)) dir.remove();
});

const initCount = (fn: LambdaFunction): number =>
  fn.logs().filter((line) => line.endsWith('\tlifecycle fixture initialized')).length;

describeWithLambda('failures that end the runtime', () => {
  describe.each(LAMBDA_RUNTIMES)('%s', (runtime) => {
    // nodejs22.x posts the error and exits; nodejs24.x has no listener, so Node ends the process with status 1.
    const expectedEnd = (message: RegExp, errorType: string) =>
      runtime === 'nodejs22.x'
        ? { errorType, message }
        : { errorType: 'Runtime.ExitError', message: /exit status 1$/ };

    it.each([
      ['uncaught-exception', 'Error', /^thrown from a timer$/],
      ['unhandled-rejection', 'Runtime.UnhandledPromiseRejection', /^Error: rejected and never handled$/],
    ])(
      '%s fails the invocation, ends the runtime, and the next invocation initializes anew',
      async (action, type, message) => {
        // Prepare
        const fn = await start(runtime);
        const firstPid = fn.pid;
        // Act
        const failed = await fn.invoke({ action });
        const stateAfterFailure = fn.state();
        const next = await fn.invoke({ action: 'echo' });
        // Assess
        const expected = expectedEnd(message, type);
        expect(errorOf(failed).errorType).toBe(expected.errorType);
        expect(errorOf(failed).errorMessage).toMatch(expected.message);
        expect(stateAfterFailure).toBe('exited');
        expect(readProcessStat(firstPid!)).toBeUndefined();
        expect(payloadOf(next).requestId).toBe(next.requestId);
        expect(fn.pid).not.toBe(firstPid);
        expect(initCount(fn)).toBe(2);
      },
    );

    it('kills an invocation that overruns the function timeout and reports Sandbox.Timedout', async () => {
      // Prepare: the handler never settles, so only the timeout can end it, however fast the machine
      const fn = await start(runtime, { timeoutSeconds: 1 });
      const pid = fn.pid;
      // Act
      const result = await fn.invoke({ action: 'hang' });
      // Assess
      expect(errorOf(result)).toEqual({
        errorType: 'Sandbox.Timedout',
        errorMessage: `RequestId: ${result.requestId} Error: Task timed out after 1.00 seconds`,
      });
      expect(fn.state()).toBe('exited');
      expect(readProcessStat(pid!)).toBeUndefined();
      expect(fn.logs()).toContainEqual(
        expect.stringMatching(new RegExp(`${result.requestId} Task timed out after 1\\.00 seconds$`)),
      );
      expect(fn.logs()).toContainEqual(expect.stringMatching(/^REPORT RequestId: .*\tStatus: timeout\t$/));
    });

    it('reclaims a frozen environment with SIGKILL alone: no handler runs and nothing more is written', async () => {
      // Prepare: traps for SIGTERM, SIGINT, SIGHUP and exit, each of which would write to /tmp and the log
      const tmp = createTempDir('lambda-kill-');
      tempDirs.push(tmp);
      const fn = await start(runtime, { tmpDir: tmp.path });
      payloadOf(await fn.invoke({ action: 'set-traps' }));
      const pid = fn.pid!;
      const logsBefore = fn.logs();
      // Act
      await fn.kill();
      // Assess
      expect(readProcessStat(pid)).toBeUndefined();
      expect(fn.state()).toBe('killed');
      expect(readdirSync(tmp.path)).toEqual([]);
      expect(fn.logs()).toEqual(logsBefore);
      await expect(fn.invoke({ action: 'echo' })).rejects.toThrow('the environment was killed');
    });

    it('sends no catchable signal even to a running environment before SIGKILL', async () => {
      // Prepare: a running invocation, so that a SIGTERM would be handled at once
      const tmp = createTempDir('lambda-kill-running-');
      tempDirs.push(tmp);
      const fn = await start(runtime, { tmpDir: tmp.path });
      payloadOf(await fn.invoke({ action: 'set-traps' }));
      const running = fn.invoke({ action: 'hang' });
      await vi.waitFor(() => expect(fn.state()).toBe('running'));
      // Act
      await fn.kill();
      const result = await running;
      // Assess
      expect(errorOf(result).errorMessage).toMatch(/Runtime exited with error: signal: killed$/);
      expect(readdirSync(tmp.path)).toEqual([]);
      expect(fn.logs().join('\n')).not.toContain('exit handler ran');
    });
  });

  it('kills an init that overruns 10 seconds and retries it within the first invocation', async () => {
    // Prepare: a module whose top-level await never settles, so init can only end by the limit
    const task = createTempDir('lambda-slow-init-');
    tempDirs.push(task);
    writeFileTree(task.path, {
      'index.mjs':
        'setInterval(() => {}, 1000);\nawait new Promise(() => {});\nexport const handler = async () => ({});\n',
    });
    const fn = await start('nodejs24.x', { taskDir: task.path, timeoutSeconds: 1 });
    const stateAfterStart = fn.state();
    // Act: the retried init cannot finish within the function timeout either
    const result = await fn.invoke({});
    // Assess
    expect(stateAfterStart).toBe('exited');
    expect(fn.logs()).toContain('INIT_REPORT Init Duration: 10000.00 ms\tPhase: init\tStatus: timeout');
    expect(errorOf(result)).toEqual({
      errorType: 'Sandbox.Timedout',
      errorMessage: `RequestId: ${result.requestId} Error: Task timed out after 1.00 seconds`,
    });
  }, 60_000);
});
