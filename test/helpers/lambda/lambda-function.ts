/**
 * One Lambda execution environment running a Node.js function, faithful to the documented lifecycle
 * (https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtime-environment.html):
 * - init: the runtime starts and loads the handler; init ends when it first asks for an event. Init is
 *   limited to 10 seconds; past that the process is killed and the first invocation initializes again
 *   within the function timeout, as Lambda does. A failed init is the first invocation's result;
 * - invoke: the environment is thawed, the event delivered, and the invocation ends when the runtime has
 *   reported its result AND asked for the next event; then every process of the environment is stopped with
 *   SIGSTOP (frozen) until the next invocation. While frozen nothing runs: a timer or a socket the function
 *   left behind is served only after the next thaw, if ever;
 * - a runtime that exits (crash, init failure) or overruns the function timeout (then killed) leaves the
 *   environment `exited`; the next invocation initializes a new runtime process, as Lambda resets it;
 * - `kill()` reclaims the environment with SIGKILL and no earlier signal, like an idle environment reclaimed
 *   without notice (no extension registers for SHUTDOWN, so Lambda sends no SIGTERM).
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { EnvironmentStateError, LambdaHarnessError, MountNamespaceUnavailableError } from './errors';
import { FunctionLog } from './function-log';
import { type ResolvedFunctionOptions, resolveFunctionOptions } from './function-options';
import { lambdaEnvironment } from './lambda-environment';
import { mountNamespaceSupport } from './mount-namespace';
import { createOwnedTempDir, onProcessEnd } from './process-cleanup';
import { peakMemoryMb } from './process-state';
import {
  type InvocationEvent,
  newTraceId,
  type ReportVerdict,
  type RuntimeApiListener,
  RuntimeApiServer,
  type RuntimeReport,
} from './runtime-api-server';
import { runtimeAssets } from './runtime-assets';
import {
  exitError,
  type InvocationResult,
  judgeInvocationReport,
  parseReportedError,
  timeoutError,
  timeoutLogLine,
} from './runtime-outcomes';
import { MOUNT_POINTS, type ProcessExit, SANDBOX_SETUP_FAILED, SandboxProcess } from './sandbox-process';
import type {
  InvokeResult,
  LambdaEnvironmentState,
  LambdaError,
  LambdaFunction,
  LambdaFunctionOptions,
  LambdaRuntime,
} from './types';
import { type Deferred, deferred, raceWithTimer } from './waiting';

/** Lambda's limit on the init phase of an on-demand function. */
export const INIT_LIMIT_MS = 10_000;
/** Lambda's limit on a synchronous invocation's request payload. */
export const REQUEST_MAX_BYTES = 6_291_456;
const ACCOUNT_ID = '123456789012';

type InitOutcome =
  | { readonly kind: 'ready' }
  | { readonly kind: 'timeout' }
  | { readonly kind: 'failed'; readonly error: (requestId: string) => LambdaError };

interface InitAttempt {
  readonly ready: Deferred;
  error?: LambdaError;
}

type PlatformStatus = { readonly kind: 'timeout' } | { readonly kind: 'error'; readonly errorType: string };

interface RunningInvocation {
  readonly event: InvocationEvent;
  readonly askedForNext: Deferred;
  result?: InvocationResult;
}

const NO_RESULT: LambdaError = {
  errorType: 'LambdaHarness.NoResult',
  errorMessage: 'the runtime asked for the next event without posting a response or an error',
};

/** How a runtime ends when its environment is reclaimed. */
const KILLED: ProcessExit = { code: null, signal: 'SIGKILL' };

/** Environments not killed yet; the test process's end kills them. */
const live = new Set<LambdaEnvironment>();
let liveCleanupRegistered = false;

class LambdaEnvironment implements LambdaFunction, RuntimeApiListener {
  readonly functionName: string;
  readonly functionArn: string;
  readonly runtime: LambdaRuntime;
  readonly tmpDir: string;
  private phase: LambdaEnvironmentState = 'initializing';
  private sandbox: SandboxProcess | undefined;
  private initAttempt: InitAttempt | undefined;
  private invocation: RunningInvocation | undefined;
  private pendingInitFailure: ((requestId: string) => LambdaError) | undefined;
  private initDurationMs: number | undefined;
  private busy = false;

  constructor(
    private readonly options: ResolvedFunctionOptions,
    private readonly workDir: string,
    private readonly log: FunctionLog,
    private readonly server: RuntimeApiServer,
  ) {
    this.functionName = options.functionName;
    this.functionArn = `arn:aws:lambda:${options.region}:${ACCOUNT_ID}:function:${options.functionName}`;
    this.runtime = options.runtime;
    this.tmpDir = options.tmpDir ?? join(workDir, 'tmp');
  }

  /** The first init; on demand, its failure is what the first invocation returns. */
  async open(): Promise<void> {
    const outcome = await this.initialize(INIT_LIMIT_MS);
    if (outcome.kind === 'failed') this.pendingInitFailure = outcome.error;
  }

  get pid(): number | undefined {
    return this.sandbox?.exitStatus === undefined ? this.sandbox?.pid : undefined;
  }

  state(): LambdaEnvironmentState {
    return this.phase;
  }

  logs(): string[] {
    return this.log.lines();
  }

  async invoke(event: unknown): Promise<InvokeResult> {
    if (this.phase === 'killed') throw new EnvironmentStateError('the environment was killed');
    if (this.busy) {
      throw new EnvironmentStateError(
        'an invocation is running here already: Lambda would use another environment',
      );
    }
    const body = JSON.stringify(event);
    if (body === undefined) throw new LambdaHarnessError('the event must be JSON-serializable');
    if (Buffer.byteLength(body) > REQUEST_MAX_BYTES) {
      throw new LambdaHarnessError(`the event is larger than Lambda's ${REQUEST_MAX_BYTES} bytes`);
    }
    this.busy = true;
    const requestId = randomUUID();
    const startedAt = performance.now();
    const deadlineMs = Date.now() + this.options.timeoutSeconds * 1000;
    this.log.start(requestId);
    try {
      const { result, status } = await this.invokeOnce({
        requestId,
        deadlineMs,
        functionArn: this.functionArn,
        traceId: newTraceId(),
        body,
      });
      const pid = this.pid;
      this.log.end({
        requestId,
        durationMs: performance.now() - startedAt,
        memoryMb: this.options.memoryMb,
        maxMemoryUsedMb: pid === undefined ? undefined : peakMemoryMb(pid),
        initDurationMs: this.takeInitDuration(),
        status,
      });
      return { requestId, ...result };
    } finally {
      this.busy = false;
    }
  }

  async kill(): Promise<void> {
    if (this.phase === 'killed') return;
    this.phase = 'killed';
    live.delete(this);
    await this.sandbox?.kill();
    await this.server.close();
    this.log.close();
    rmSync(this.workDir, { recursive: true, force: true });
  }

  /** Last resort when the test process ends with this environment alive: synchronous. */
  killNow(): void {
    const sandbox = this.sandbox;
    if (sandbox !== undefined && sandbox.exitStatus === undefined) {
      try {
        process.kill(-sandbox.pid, 'SIGKILL');
      } catch {
        // The group is gone already.
      }
    }
    rmSync(this.workDir, { recursive: true, force: true });
  }

  nextRequested(): void {
    if (this.initAttempt !== undefined) this.initAttempt.ready.resolve();
    else this.invocation?.askedForNext.resolve();
  }

  report(report: RuntimeReport): ReportVerdict {
    if (report.kind === 'init-error') {
      if (this.initAttempt === undefined) {
        return { status: 403, errorType: 'InvalidStateTransition', errorMessage: 'init has already ended' };
      }
      this.initAttempt.error = parseReportedError(report.body, report.errorType);
      return { status: 202 };
    }
    const invocation = this.invocation;
    if (invocation === undefined || invocation.event.requestId !== report.requestId) {
      return { status: 400, errorType: 'InvalidRequestID', errorMessage: 'Invalid request ID' };
    }
    if (invocation.result !== undefined) {
      return {
        status: 403,
        errorType: 'InvalidStateTransition',
        errorMessage: 'the invocation has a result already',
      };
    }
    const { result, verdict } = judgeInvocationReport(report);
    invocation.result = result;
    return verdict;
  }

  refused(call: string): void {
    this.log.platform(
      `LambdaHarness: refused ${call}: the Extensions, Telemetry and Logs APIs are not emulated`,
    );
  }

  /** Moves to `phase` unless the environment was killed meanwhile: `killed` is final. */
  private enter(phase: LambdaEnvironmentState): void {
    if (this.phase !== 'killed') this.phase = phase;
  }

  private takeInitDuration(): number | undefined {
    const duration = this.initDurationMs;
    this.initDurationMs = undefined;
    return duration;
  }

  /** Starts a runtime process and waits for the end of its init phase. */
  private async initialize(limitMs: number): Promise<InitOutcome> {
    if (this.phase === 'killed')
      return { kind: 'failed', error: (requestId) => exitError(requestId, KILLED) };
    const assets = runtimeAssets();
    const sandbox = SandboxProcess.start(
      {
        opt: this.options.layerDir ?? assets.emptyOptDir,
        task: this.options.taskDir,
        runtime: assets.runtimeDir(this.options.runtime),
        runtimeNodeModules: assets.runtimeNodeModules(),
        lang: assets.langDir,
        nodeBinary: assets.nodeBinary,
        tmp: this.tmpDir,
      },
      lambdaEnvironment({ ...this.options, runtimeApi: this.server.address }),
      this.log.fd,
    );
    this.sandbox = sandbox;
    this.enter('initializing');
    const attempt: InitAttempt = { ready: deferred() };
    this.initAttempt = attempt;
    void sandbox.exited.then(() => this.runtimeExited(sandbox));
    const startedAt = performance.now();
    const ending = await raceWithTimer(
      Promise.race([
        attempt.ready.promise.then(() => 'ready' as const),
        sandbox.exited.then(() => 'exited' as const),
      ]),
      limitMs,
    );
    this.initAttempt = undefined;
    if (ending === 'ready' && (await sandbox.freeze())) {
      this.initDurationMs = performance.now() - startedAt;
      this.enter('frozen');
      return { kind: 'ready' };
    }
    if (ending === 'timeout') {
      await sandbox.kill();
      this.log.platform(`INIT_REPORT Init Duration: ${limitMs.toFixed(2)} ms\tPhase: init\tStatus: timeout`);
      this.enter('exited');
      return { kind: 'timeout' };
    }
    const exit: ProcessExit = await sandbox.exited;
    this.enter('exited');
    if (exit.code === SANDBOX_SETUP_FAILED) {
      throw new MountNamespaceUnavailableError(
        `the sandbox could not be set up:\n${this.logs().slice(-5).join('\n')}`,
      );
    }
    const posted = attempt.error;
    return { kind: 'failed', error: (requestId) => posted ?? exitError(requestId, exit) };
  }

  private async invokeOnce(
    event: InvocationEvent,
  ): Promise<{ result: InvocationResult; status?: PlatformStatus }> {
    const failed = (error: LambdaError) => ({
      result: { error },
      status: { kind: 'error', errorType: error.errorType } as const,
    });
    const pendingInitFailure = this.pendingInitFailure;
    this.pendingInitFailure = undefined;
    if (pendingInitFailure !== undefined) return failed(pendingInitFailure(event.requestId));
    if (this.phase === 'exited') {
      const init = await this.initialize(event.deadlineMs - Date.now());
      if (init.kind === 'timeout') return failed(timeoutError(event.requestId, this.options.timeoutSeconds));
      if (init.kind === 'failed') return failed(init.error(event.requestId));
    }

    const sandbox = this.sandbox;
    if (this.phase === 'killed' || sandbox === undefined) return failed(exitError(event.requestId, KILLED));
    const invocation: RunningInvocation = { event, askedForNext: deferred() };
    this.invocation = invocation;
    this.enter('running');
    sandbox.thaw();
    this.server.deliver(event);
    const ending = await raceWithTimer(
      Promise.race([
        invocation.askedForNext.promise.then(() => 'next' as const),
        sandbox.exited.then(() => 'exited' as const),
      ]),
      event.deadlineMs - Date.now(),
    );
    this.invocation = undefined;
    if (ending === 'next' && (await sandbox.freeze())) {
      this.enter('frozen');
      return { result: invocation.result ?? { error: NO_RESULT } };
    }
    if (ending === 'timeout') {
      await sandbox.kill();
      this.enter('exited');
      this.log.platform(timeoutLogLine(event.requestId, this.options.timeoutSeconds));
      const error = timeoutError(event.requestId, this.options.timeoutSeconds);
      return { result: invocation.result ?? { error }, status: { kind: 'timeout' } };
    }
    const exit = await sandbox.exited;
    this.enter('exited');
    if (invocation.result !== undefined) return { result: invocation.result };
    const error = exitError(event.requestId, exit);
    this.log.platform(error.errorMessage);
    this.log.platform(error.errorType);
    return failed(error);
  }

  private runtimeExited(sandbox: SandboxProcess): void {
    if (sandbox !== this.sandbox) return;
    this.server.disconnectAll();
    if (this.phase === 'frozen') this.enter('exited');
  }
}

/**
 * Starts a function's execution environment and runs its init phase.
 * @throws InvalidFunctionOptionError or ReservedEnvironmentVariableError for a bad configuration,
 * MountNamespaceUnavailableError where the environment cannot be built (see `describeWithLambda`)
 */
export const startLambdaFunction = async (options: LambdaFunctionOptions): Promise<LambdaFunction> => {
  const resolved = resolveFunctionOptions(options);
  const support = mountNamespaceSupport();
  if (!support.supported) throw new MountNamespaceUnavailableError(support.reason ?? 'unsupported');
  for (const mountPoint of MOUNT_POINTS) mkdirSync(mountPoint, { recursive: true });
  if (!liveCleanupRegistered) {
    liveCleanupRegistered = true;
    onProcessEnd(() => {
      for (const environment of live) environment.killNow();
    });
  }
  const workDir = createOwnedTempDir('lambda-harness-env-');
  mkdirSync(join(workDir, 'tmp'));
  let environment: LambdaEnvironment | undefined;
  const server = await RuntimeApiServer.start({
    nextRequested: () => environment?.nextRequested(),
    report: (report) => environment?.report(report) ?? { status: 503 },
    refused: (call) => environment?.refused(call),
  });
  environment = new LambdaEnvironment(
    resolved,
    workDir,
    new FunctionLog(join(workDir, 'function.log')),
    server,
  );
  live.add(environment);
  try {
    await environment.open();
  } catch (error) {
    await environment.kill();
    throw error;
  }
  return environment;
};
