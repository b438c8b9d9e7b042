import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { localCredentials } from 'claude-monitor/aws';
import { ENV } from 'claude-monitor/domain';
import { createMonitorTable } from './create-table';
import { LOCAL_BUDGETS } from './demo-plan';
import { type DynamoDbLocal, LOCAL_REGION, startDynamoDbLocal } from './dynamodb-local';
import { type LocalDelivery, startLocalNotifier } from './local-notifier';
import { LOCAL_RECONCILE_INTERVAL_MS, startLocalBilling } from './local-reconciliation';
import { type LocalAlert, type LocalSns, startLocalSns } from './local-sns';
import { LocalStackError, PortInUseError } from './local-stack-errors';
import { DEFAULT_PORT, type StackState } from './stack-state';
import { startStreamRunner } from './stream-runner';

export interface LocalStackOptions {
  /** Port of the API and dashboard on 127.0.0.1. @default 8000 */
  port?: number;
  /** Directory DynamoDB Local keeps its data in. @default in memory */
  dataDir?: string;
  /** Read the table's stream from its oldest record instead of only new ones. @default false */
  fromTrimHorizon?: boolean;
  /** API token; a random one when omitted. */
  token?: string;
  /** @default 'claude-monitor' */
  tableName?: string;
  /**
   * Alert rules as JSON (`AlertConfig`). Lower than the deployed defaults so that a short demo crosses them.
   * @default LOCAL_ALERT_CONFIG
   */
  alertConfig?: string;
  /**
   * How often alerts left in the outbox are published again, ms. Alerts are published as they fire; the
   * outbox only holds those whose publish failed.
   * @default 60000
   */
  outboxIntervalMs?: number;
  /**
   * How often the reconciler compares the last days with the stand-in bills, ms; it also runs once at start.
   * @default 3600000
   */
  reconcileIntervalMs?: number;
  /**
   * How often the insights job runs, ms; it also runs once at start.
   * @default 3600000
   */
  insightsIntervalMs?: number;
  /**
   * How often the reservations of calls that never settled are swept, ms.
   * @default 60000 (every minute, as in AWS)
   */
  sweepIntervalMs?: number;
  /** Receives every alert published to the local topic. */
  onAlert?: (alert: LocalAlert) => void;
  /** Receives every request the notifier made to a local channel endpoint. */
  onDelivery?: (delivery: LocalDelivery) => void;
  /** A real Slack incoming webhook the notifier delivers to as well. */
  slackWebhook?: string;
  /** Receives progress and problems worth showing. @default console.error */
  log?: (line: string) => void;
  /** Called when a part the stack cannot run without (DynamoDB Local, the stream poller) fails. @default none */
  onFatal?: (reason: string) => void;
}

/**
 * Alert rules of the local stack: a session alert at $1 (the deployed default is $10), 5 consecutive errors,
 * and budget alerts at 100 % only, so that the demo's budget tenant gives one alert: the one saying its
 * enforced budget started refusing calls.
 */
export const LOCAL_ALERT_CONFIG = JSON.stringify({
  sessionCostUsd: 1,
  consecutiveErrors: 5,
  budgetSteps: [100],
});

/**
 * Budget enforcement of the local stack's clients: the deployed defaults, but run-time budgets (set with
 * `PUT /api/monitoring/budgets`) are read every 5 seconds instead of every minute, to see them act at once,
 * and the check waits up to 10 s: DynamoDB Local on a busy laptop can take longer than the deployed 1 s bound,
 * and a check that gave up would send the call unchecked (fail open) and the demo would not show the refusal.
 */
export const LOCAL_BUDGET_ENFORCEMENT = JSON.stringify({ runtimeRefreshSeconds: 5, timeoutMs: 10_000 });

export interface LocalStack {
  readonly state: StackState;
  alerts(): readonly LocalAlert[];
  /** Call records handed to the aggregator so far, replays and retries included. */
  callRecordsSeen(): number;
  /** Resolves once every record written to the table so far has been aggregated. */
  waitUntilIdle(): Promise<void>;
  /** Stops everything it started, DynamoDB Local included, and waits until each part has exited. */
  stop(): Promise<void>;
}

const assertPortFree = (port: number): Promise<void> =>
  new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', (cause: NodeJS.ErrnoException) =>
      reject(
        cause.code === 'EADDRINUSE'
          ? new PortInUseError('the API', port, { cause })
          : new LocalStackError(`cannot listen on 127.0.0.1:${port}`, { cause }),
      ),
    );
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve()));
  });

/** The insights job's schedule in AWS: hourly. */
const LOCAL_INSIGHTS_INTERVAL_MS = 60 * 60_000;

/**
 * Starts DynamoDB Local, the table, the SNS emulator, the notifier with its local channel receivers, the
 * stream runner, the outbox and budget sweep timers, the stand-ins of the Admin API and Cost Explorer with the
 * reconciler on a timer, the insights job on a timer, and the API.
 */
export const startLocalStack = async (options: LocalStackOptions = {}): Promise<LocalStack> => {
  const port = options.port ?? DEFAULT_PORT;
  const tableName = options.tableName ?? 'claude-monitor';
  const token = options.token ?? randomBytes(24).toString('base64url');
  const log = options.log ?? ((line: string) => console.error(line));
  const stops: (() => Promise<void>)[] = [];
  const stopAll = async (): Promise<void> => {
    for (const stop of stops.splice(0).reverse()) {
      try {
        await stop();
      } catch (error) {
        log(`while stopping: ${(error as Error).message}`);
      }
    }
  };

  try {
    // Checked first, so a taken port fails in a second instead of after DynamoDB Local has started.
    await assertPortFree(port);
    // DynamoDB Local reports usage to AWS unless told not to; the local stack talks to loopback only.
    process.env.DDB_LOCAL_TELEMETRY ??= '0';
    const dynamo: DynamoDbLocal = await startDynamoDbLocal(
      options.dataDir === undefined ? {} : { dataDir: options.dataDir },
    );
    let stopping = false;
    stops.push(async () => {
      stopping = true;
      await dynamo.stop();
    });
    dynamo.process.once('exit', (code, signal) => {
      if (!stopping) options.onFatal?.(`DynamoDB Local exited on its own (${signal ?? `code ${code}`})`);
    });
    const clientConfig = { endpoint: dynamo.endpoint, region: LOCAL_REGION, credentials: localCredentials() };
    const client = new DynamoDBClient(clientConfig);
    stops.push(async () => client.destroy());
    const streamArn = await createMonitorTable(client, tableName);

    const sns: LocalSns = await startLocalSns(options.onAlert ? { onAlert: options.onAlert } : {});
    stops.push(() => sns.stop());
    const billing = await startLocalBilling();
    stops.push(() => billing.stop());

    // The handlers read their configuration at cold start, as in Lambda: set it before importing them.
    Object.assign(process.env, {
      AWS_REGION: process.env.AWS_REGION ?? LOCAL_REGION,
      // Per-batch info logs would bury the alerts on the console; warnings and errors still show.
      POWERTOOLS_LOG_LEVEL: process.env.POWERTOOLS_LOG_LEVEL ?? 'WARN',
      [ENV.tableName]: tableName,
      [ENV.dynamodbEndpoint]: dynamo.endpoint,
      [ENV.snsEndpoint]: sns.endpoint,
      [ENV.alertTopicArn]: sns.topicArn,
      [ENV.alertConfig]: options.alertConfig ?? process.env[ENV.alertConfig] ?? LOCAL_ALERT_CONFIG,
      [ENV.budgets]: process.env[ENV.budgets] ?? JSON.stringify(LOCAL_BUDGETS),
      [ENV.budgetEnforcement]: process.env[ENV.budgetEnforcement] ?? LOCAL_BUDGET_ENFORCEMENT,
      [ENV.apiToken]: token,
      ...billing.env,
    });
    const apiUrl = `http://127.0.0.1:${port}`;
    const notifier = await startLocalNotifier({
      snsEndpoint: sns.endpoint,
      topicArn: sns.topicArn,
      dashboardUrl: `${apiUrl}/dashboard/claude-monitoring/`,
      log,
      ...(options.onDelivery ? { onDelivery: options.onDelivery } : {}),
      ...(options.slackWebhook ? { slackWebhook: options.slackWebhook } : {}),
    });
    stops.push(() => notifier.stop());
    const { handler } = await import('../../functions/aggregator/handler');
    const outbox = await import('../../functions/aggregator/outbox-handler');
    const reconciler = await import('../../functions/reconciler/handler');
    const sweep = await import('../../functions/aggregator/budget-sweep-handler');
    const insights = await import('../../functions/insights/handler');
    const { serveApi } = await import('../../functions/api/local-server');

    const streams = new DynamoDBStreamsClient(clientConfig);
    stops.push(async () => streams.destroy());
    let callRecordsSeen = 0;
    const runner = startStreamRunner({
      client: streams,
      streamArn,
      handler: (event) => {
        callRecordsSeen += event.Records.length;
        return handler(event);
      },
      batchSize: 100,
      startFrom: options.fromTrimHorizon ? 'TRIM_HORIZON' : 'LATEST',
      // Lambda would send these to the on-failure destination; here they are shown with enough to replay them.
      onFailure: (failure) =>
        log(
          `stream records ${failure.firstSequenceNumber}..${failure.lastSequenceNumber} of ${failure.shardId} ` +
            `not aggregated (${failure.reason}): ${failure.records.length} record(s)` +
            (failure.error instanceof Error ? `: ${failure.error.message}` : ''),
        ),
    });
    stops.push(() => runner.stop());
    // The poller ends for good on an error it cannot get past; say so instead of silently aggregating nothing.
    let watching = false;
    const watchdog = setInterval(() => {
      if (watching) return;
      watching = true;
      runner
        .waitUntilIdle()
        .then(() => {
          watching = false;
        })
        .catch((error: Error) => options.onFatal?.(`the stream poller stopped: ${error.message}`));
    }, 5_000);
    stops.push(async () => clearInterval(watchdog));

    let outboxRun: Promise<unknown> = Promise.resolve();
    const outboxTimer = setInterval(() => {
      outboxRun = outbox.handler().catch((error: Error) => log(`alert outbox: ${error.message}`));
    }, options.outboxIntervalMs ?? 60_000);
    stops.push(async () => {
      clearInterval(outboxTimer);
      await outboxRun;
    });

    // As the schedule does in AWS: the last complete days, now and then every interval.
    let reconcileRun: Promise<unknown> = Promise.resolve();
    const reconcileNow = (): void => {
      reconcileRun = reconciler.handler({}).catch((error: Error) => log(`reconciliation: ${error.message}`));
    };
    reconcileNow();
    const reconcileTimer = setInterval(
      reconcileNow,
      options.reconcileIntervalMs ?? LOCAL_RECONCILE_INTERVAL_MS,
    );
    stops.push(async () => {
      clearInterval(reconcileTimer);
      await reconcileRun;
    });

    // As the hourly schedule does in AWS: anomalies of the last complete hour and month-end forecasts.
    let insightsRun: Promise<unknown> = Promise.resolve();
    const insightsNow = (): void => {
      insightsRun = insights.handler().catch((error: Error) => log(`insights: ${error.message}`));
    };
    insightsNow();
    const insightsTimer = setInterval(insightsNow, options.insightsIntervalMs ?? LOCAL_INSIGHTS_INTERVAL_MS);
    stops.push(async () => {
      clearInterval(insightsTimer);
      await insightsRun;
    });

    let sweepRun: Promise<unknown> = Promise.resolve();
    const sweepTimer = setInterval(() => {
      sweepRun = sweep.handler().catch((error: Error) => log(`budget sweep: ${error.message}`));
    }, options.sweepIntervalMs ?? 60_000);
    stops.push(async () => {
      clearInterval(sweepTimer);
      await sweepRun;
    });

    const api = await serveApi({ port, host: '127.0.0.1', token });
    stops.push(() => api.close());

    const state: StackState = {
      pid: process.pid,
      dynamodbPid: dynamo.process.pid ?? 0,
      startedAt: new Date().toISOString(),
      apiUrl,
      dashboardUrl: `${apiUrl}/dashboard/claude-monitoring/?token=${encodeURIComponent(token)}`,
      token,
      tableName,
      dynamodbEndpoint: dynamo.endpoint,
      snsEndpoint: sns.endpoint,
      alertTopicArn: sns.topicArn,
      region: LOCAL_REGION,
      budgets: process.env[ENV.budgets]!,
      budgetEnforcement: process.env[ENV.budgetEnforcement]!,
      notifier: {
        receiversUrl: notifier.receiversUrl,
        webhookSigningSecret: notifier.webhookSigningSecret,
        channels: notifier.channels.map((channel) => channel.name),
      },
      adminApiUrl: billing.admin.url,
      adminKey: billing.adminKey,
      costExplorerEndpoint: billing.costExplorer.endpoint,
    };
    return {
      state,
      alerts: () => sns.alerts(),
      waitUntilIdle: () => runner.waitUntilIdle(),
      callRecordsSeen: () => callRecordsSeen,
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
};
