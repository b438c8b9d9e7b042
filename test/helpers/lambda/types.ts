/**
 * Public types of the Lambda lifecycle harness (see docs/testing-lambda.md).
 */

/** The Node.js managed runtimes the harness emulates. */
export const LAMBDA_RUNTIMES = ['nodejs22.x', 'nodejs24.x'] as const;
export type LambdaRuntime = (typeof LAMBDA_RUNTIMES)[number];

export const LAMBDA_ARCHITECTURES = ['x86_64', 'arm64'] as const;
export type LambdaArchitecture = (typeof LAMBDA_ARCHITECTURES)[number];

/** Credentials the function sees as its execution role's (letters and digits only, as DynamoDB Local wants). */
export interface LambdaCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken: string;
}

/** A function's configuration, as far as it shapes the execution environment. */
export interface LambdaFunctionOptions {
  readonly runtime: LambdaRuntime;
  /** Host folder with the function's code, mounted read-only at `/var/task`. */
  readonly taskDir: string;
  /** The function's handler setting, e.g. `index.handler` or `src/handlers/chat.main`. */
  readonly handler: string;
  /**
   * Host folder with the layer's content (`nodejs/node_modules/...`), mounted read-only at `/opt`.
   * @default an empty `/opt`
   */
  readonly layerDir?: string;
  /** The function's own environment variables; Lambda's reserved names are refused. */
  readonly environment?: Readonly<Record<string, string>>;
  /** @default 'lambda-harness-function' */
  readonly functionName?: string;
  /**
   * The function timeout. Generous by default so that no test depends on the machine's speed.
   * @default 20
   */
  readonly timeoutSeconds?: number;
  /**
   * Memory setting; the bootstrap derives node's heap limits from it, as Lambda's does.
   * @default 128
   */
  readonly memoryMb?: number;
  /**
   * Recorded in the configuration only: the code runs on this machine's CPU.
   * @default 'x86_64'
   */
  readonly architecture?: LambdaArchitecture;
  /** @default 'us-east-1' */
  readonly region?: string;
  /** @default a fixed set of letters-and-digits keys */
  readonly credentials?: LambdaCredentials;
  /**
   * Host folder mounted at `/tmp`, owned by the caller (kept after `kill()`) so that a test can look at what
   * the function wrote there.
   * @default a fresh folder, removed by `kill()`
   */
  readonly tmpDir?: string;
}

/** The error an invocation ended with, as Lambda's Invoke API returns it. */
export interface LambdaError {
  readonly errorType: string;
  readonly errorMessage: string;
  readonly trace?: readonly string[];
}

/**
 * The outcome of one invocation: the payload the runtime posted (parsed as JSON; the raw text when it is not
 * JSON), or the error it posted or the platform reported.
 */
export type InvokeResult =
  | { readonly requestId: string; readonly payload: unknown }
  | { readonly requestId: string; readonly error: LambdaError };

/**
 * Where the execution environment is:
 * - `initializing`: the runtime process runs its init phase;
 * - `frozen`: the runtime waits for the next event and every process of the environment is stopped (SIGSTOP);
 * - `running`: an invocation is in progress;
 * - `exited`: the runtime process ended (init failure, crash, timeout); the next invocation initializes anew;
 * - `killed`: the environment was reclaimed with `kill()`.
 */
export type LambdaEnvironmentState = 'initializing' | 'frozen' | 'running' | 'exited' | 'killed';

/** A running function, as a test drives it. */
export interface LambdaFunction {
  readonly functionName: string;
  readonly functionArn: string;
  readonly runtime: LambdaRuntime;
  /** Host folder mounted at the function's `/tmp`. */
  readonly tmpDir: string;
  /** Process id of the current runtime process while one is alive. */
  readonly pid: number | undefined;
  /** Invokes the function synchronously; resolves once the environment is frozen again (or has exited). */
  invoke(event: unknown): Promise<InvokeResult>;
  /** Every log line so far: the process's output and the platform's lines. */
  logs(): string[];
  state(): LambdaEnvironmentState;
  /** SIGKILL to the whole environment, then cleanup; safe to call more than once. Call it in `afterAll`. */
  kill(): Promise<void>;
}
