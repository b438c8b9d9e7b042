import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLambdaFunction } from '../../helpers/lambda/lambda-function';
import { describeWithLambda } from '../../helpers/lambda/mount-namespace';
import { isProcessGroupStopped, readProcessStat } from '../../helpers/lambda/process-state';
import { RESPONSE_MAX_BYTES } from '../../helpers/lambda/runtime-api-server';
import { LAMBDA_RUNTIMES, type LambdaFunction } from '../../helpers/lambda/types';
import { errorOf, fixturePath, payloadOf } from './fixtures';
import { type HoldingServer, startHoldingServer } from './holding-server';

const TIMESTAMP = '\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z';

describeWithLambda('execution environment lifecycle', () => {
  describe.each(LAMBDA_RUNTIMES)('%s', (runtime) => {
    let fn: LambdaFunction;
    let server: HoldingServer;

    beforeAll(async () => {
      fn = await startLambdaFunction({
        runtime,
        taskDir: fixturePath('functions', 'lifecycle'),
        handler: 'index.handler',
      });
      server = await startHoldingServer();
    });

    afterAll(async () => {
      await fn?.kill();
      await server?.close();
    });

    it('freezes every process of the environment once the runtime asks for the next event', async () => {
      // Prepare: init is over, so the environment is frozen already
      const frozenAfterInit = isProcessGroupStopped(fn.pid!);
      // Act
      const result = await fn.invoke({ action: 'echo', n: 1 });
      // Assess: the kernel reports the runtime process stopped by a signal
      expect(frozenAfterInit).toBe(true);
      expect(payloadOf(result)).toEqual({ event: { action: 'echo', n: 1 }, requestId: result.requestId });
      expect(fn.state()).toBe('frozen');
      expect(readProcessStat(fn.pid!)?.state).toBe('T');
      expect(isProcessGroupStopped(fn.pid!)).toBe(true);
    });

    it('runs nothing while frozen: a timer and an HTTP answer left behind are served after the next thaw', async () => {
      // Prepare: a timer that is still due after the freeze (retried with a longer delay on a slow machine)
      let dueAt = 0;
      for (const delayMs of [1_000, 4_000, 16_000]) {
        const payload = payloadOf(await fn.invoke({ action: 'leave-work-behind', delayMs, url: server.url }));
        dueAt = payload.dueAt as number;
        if (Date.now() < dueAt) break;
        server.answerAll('too late');
        await fn.invoke({ action: 'collect-work' });
        rmSync(join(fn.tmpDir, 'timer'));
        rmSync(join(fn.tmpDir, 'socket'));
      }
      expect(Date.now()).toBeLessThan(dueAt);
      await server.received();
      server.answerAll('answered while frozen');
      // Act: let the timer's due time pass while frozen; only the clock can be waited for here
      await delay(dueAt - Date.now() + 250);
      const stillFrozen = fn.state() === 'frozen' && isProcessGroupStopped(fn.pid!);
      const writtenWhileFrozen = {
        timer: existsSync(join(fn.tmpDir, 'timer')),
        socket: existsSync(join(fn.tmpDir, 'socket')),
      };
      const thawedAt = Date.now();
      const collected = payloadOf(await fn.invoke({ action: 'collect-work' }));
      // Assess
      expect(stillFrozen).toBe(true);
      expect(writtenWhileFrozen).toEqual({ timer: false, socket: false });
      expect(collected.socketBody).toBe('answered while frozen');
      expect(collected.timerFiredAt).toBeGreaterThanOrEqual(thawedAt);
    }, 90_000);

    it("writes console output in Lambda's text format and passes raw stdout through", async () => {
      // Prepare
      const initRequestId = runtime === 'nodejs22.x' ? 'undefined' : '-';
      // Act
      const { requestId } = await fn.invoke({ action: 'logs' });
      // Assess
      const lines = fn.logs();
      const line = (level: string, message: string) =>
        expect.stringMatching(new RegExp(`^${TIMESTAMP}\\t${requestId}\\t${level}\\t${message}$`));
      expect(lines).toContainEqual(
        expect.stringMatching(
          new RegExp(`^${TIMESTAMP}\\t${initRequestId}\\tINFO\\tlifecycle fixture initialized$`),
        ),
      );
      expect(lines).toContainEqual(line('INFO', 'two\\rlines \\{ n: 1 \\}'));
      expect(lines).toContainEqual(line('WARN', 'a warning'));
      expect(lines).toContainEqual(line('ERROR', 'an error'));
      expect(lines).toContain('raw stdout line');
      expect(lines).toContain(`START RequestId: ${requestId} Version: $LATEST`);
      expect(lines).toContain(`END RequestId: ${requestId}`);
      expect(lines).toContainEqual(
        expect.stringMatching(new RegExp(`^REPORT RequestId: ${requestId}\\tDuration: `)),
      );
    });

    it('returns an error the handler throws, logs it, and stays warm', async () => {
      // Prepare
      const pid = fn.pid;
      // Act
      const result = await fn.invoke({ action: 'throw' });
      // Assess
      const error = errorOf(result);
      expect(error).toMatchObject({ errorType: 'TypeError', errorMessage: 'thrown by the handler' });
      expect(error.trace?.[0]).toBe('TypeError: thrown by the handler');
      expect(fn.logs().join('\n')).toMatch(
        new RegExp(`${result.requestId}\\tERROR\\tInvoke Error \\t\\{"errorType":"TypeError"`),
      );
      expect(fn.state()).toBe('frozen');
      expect(fn.pid).toBe(pid);
    });

    it('refuses the Extensions API loudly', async () => {
      // Act
      const payload = payloadOf(await fn.invoke({ action: 'extensions-api' }));
      // Assess
      expect(payload.status).toBe(403);
      expect(payload.body).toMatchObject({ errorType: 'LambdaHarness.ApiNotEmulated' });
      expect(fn.logs()).toContain(
        'LambdaHarness: refused POST /2020-01-01/extension/register: the Extensions, Telemetry and Logs APIs are not emulated',
      );
    });

    it("fails a response over Lambda's 6 MB limit with Function.ResponseSizeTooLarge", async () => {
      // Act: a string of exactly the limit is two quote characters over it once serialized
      const result = await fn.invoke({ action: 'large-response', bytes: RESPONSE_MAX_BYTES });
      // Assess
      expect(errorOf(result).errorType).toBe('Function.ResponseSizeTooLarge');
      expect(fn.state()).toBe('frozen');
    });
  });
});
