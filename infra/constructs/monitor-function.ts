import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, LoggingFormat, Runtime } from 'aws-cdk-lib/aws-lambda';
import { type ICommandHooks, NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { REPO_ROOT, repoPath } from './repo-paths';

/** The newest Node.js runtime of this CDK version; every function and the layer target it. */
export const MONITOR_RUNTIME = Runtime.NODEJS_24_X;
/** Graviton: cheaper per GB-second than x86 for the same work. */
export const MONITOR_ARCHITECTURE = Architecture.ARM_64;

/** ESM bundles still meet CommonJS dependencies that call `require`; give them one. */
const REQUIRE_SHIM =
  "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);";

export interface MonitorFunctionProps {
  /** Handler file, relative to the repository root (e.g. `functions/api/handler.ts`). */
  readonly entry: string;
  /** What the function does, shown in the console. */
  readonly description: string;
  /** Log group retention. */
  readonly logRetention: RetentionDays;
  /**
   * Memory in MB.
   * @default 256
   */
  readonly memorySize?: number;
  /**
   * Timeout.
   * @default Duration.seconds(30)
   */
  readonly timeout?: Duration;
  /**
   * Environment variables (names from `ENV`).
   * @default {}
   */
  readonly environment?: Record<string, string>;
  /**
   * Commands run around bundling, e.g. copying static files next to the bundle.
   * @default - none
   */
  readonly commandHooks?: ICommandHooks;
}

/**
 * A function of the monitor: bundled locally with esbuild (no Docker), ESM, arm64 on the newest Node runtime,
 * JSON logs into its own log group with a retention. Its role may write to that log group only, instead of
 * the AWS managed basic execution policy, which allows every log group of the account.
 */
export class MonitorFunction extends NodejsFunction {
  public constructor(scope: Construct, id: string, props: MonitorFunctionProps) {
    const logGroup = new LogGroup(scope, `${id}LogGroup`, {
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const role = new Role(scope, `${id}Role`, {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: props.description,
    });
    logGroup.grantWrite(role);
    super(scope, id, {
      entry: repoPath(props.entry),
      handler: 'handler',
      description: props.description,
      runtime: MONITOR_RUNTIME,
      architecture: MONITOR_ARCHITECTURE,
      memorySize: props.memorySize ?? 256,
      timeout: props.timeout ?? Duration.seconds(30),
      environment: { NODE_OPTIONS: '--enable-source-maps', ...props.environment },
      logGroup,
      role,
      loggingFormat: LoggingFormat.JSON,
      projectRoot: REPO_ROOT,
      depsLockFilePath: repoPath('package-lock.json'),
      bundling: {
        format: OutputFormat.ESM,
        banner: REQUIRE_SHIM,
        mainFields: ['module', 'main'],
        minify: true,
        sourceMap: true,
        // The runtime's own SDK version drifts; bundling the pinned one keeps behaviour equal to the tests.
        bundleAwsSDK: true,
        ...(props.commandHooks ? { commandHooks: props.commandHooks } : {}),
      },
    });
  }

  /** Records why a wildcard in this function's policy is needed, for cdk-nag's IAM5 rule. */
  public acknowledgeWildcard(finding: string, reason: string): void {
    Validations.of(this.role!).acknowledge({ id: `AwsSolutions::AwsSolutions-IAM5[${finding}]`, reason });
  }
}
