import { randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { AnthropicBedrock } from '@anthropic-ai/bedrock-sdk';
import { ENV } from 'claude-monitor/domain';
import { BASELINE_WEEKS } from '../../functions/insights/anomaly-alerts';
import { type AnthropicStub, startAnthropicStub } from './anthropic-stub';
import { printSlackDelivery, printWebhookDelivery, sendToSlack, waitForDelivery } from './demo-deliveries';
import { demoHistory } from './demo-history';
import { printRecentAlerts, recordCalls, runDemoInsights } from './demo-insights';
import { type DemoManifest, demoManifestFile, ManifestBuilder } from './demo-manifest';
import { printExports, printSummary } from './demo-output';
import {
  COSTLY_SESSION,
  DEMO_MODELS,
  livePlan,
  SPIKING_FUNCTION,
  STEADY_FUNCTION,
  stubPlan,
} from './demo-plan';
import { printReconciliation, reconcileDemoDays, sendBills, sendUnmonitored } from './demo-reconciliation';
import { runInvocation, TRAFFIC_HEADER } from './demo-traffic';
import { LOCAL_CHANNEL } from './local-notifier';
import { LOCAL_API_KEYS } from './local-reconciliation';
import { LocalStackError } from './local-stack-errors';
import { MonitorApiClient } from './monitor-api-client';
import { hideMetricsOutput, isMetricsOutput } from './quiet-metrics-output';
import { LOCAL_ENV, localDir, readStackState } from './stack-state';

const log = (line: string): void => console.log(line);

/** The summary window that holds the anomaly's baseline: the same hour of every week back, and a day. */
const HISTORY_HOURS = (BASELINE_WEEKS * 7 + 1) * 24;

const readOptions = () => {
  try {
    return parseArgs({
      options: { verbose: { type: 'boolean', default: false }, 'slack-webhook': { type: 'string' } },
    }).values;
  } catch (cause) {
    throw new LocalStackError(`${(cause as Error).message} (options: --verbose, --slack-webhook <url>)`, {
      cause,
    });
  }
};

const main = async (): Promise<void> => {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const options = readOptions();
  const dir = localDir();
  const state = await readStackState(dir);
  // The monitored client records to the running stack's table, as the layer does in Lambda.
  // It enforces the stack's budgets as an attached function would (attach() sets the same variables).
  Object.assign(process.env, {
    [ENV.tableName]: state.tableName,
    [ENV.dynamodbEndpoint]: state.dynamodbEndpoint,
    [ENV.budgets]: state.budgets,
    [ENV.budgetEnforcement]: state.budgetEnforcement,
    AWS_REGION: state.region,
  });
  const apiKey = process.env.ANTHROPIC_API_KEY?.trim();
  const plan = apiKey ? livePlan(process.env[LOCAL_ENV.demoModel] || DEMO_MODELS.haiku) : stubPlan();
  const api = new MonitorApiClient(state.apiUrl, state.token);
  const before = (await api.summary()).total_calls;
  const beforeHistory = (await api.summary(HISTORY_HOURS)).total_calls;

  const { MonitoredAnthropic, monitor, setLogWriter } = await import('claude-monitor');
  const verbose = options.verbose ?? false;
  // The reconciler's metrics documents are for CloudWatch, as in the stack's own console.
  if (!verbose) hideMetricsOutput(process.stdout);
  // The monitor's metrics lines are for CloudWatch; its warnings and unwritten records still show.
  setLogWriter((line) => {
    if (verbose || !isMetricsOutput(line)) process.stderr.write(`${line}\n`);
  });
  let stub: AnthropicStub | undefined;
  if (!apiKey) stub = await startAnthropicStub();
  const client = new MonitoredAnthropic(
    stub ? { apiKey: LOCAL_API_KEYS.monitored.secret, baseURL: stub.url } : { apiKey: apiKey ?? '' },
  );
  // Bedrock's invoke endpoints are served by the same local stub; the credentials are never checked.
  const bedrock = stub
    ? monitor(
        new AnthropicBedrock({
          baseURL: stub.url,
          awsRegion: 'us-east-1',
          awsAccessKey: 'local',
          awsSecretKey: 'local',
        }),
      )
    : undefined;
  const builder = new ManifestBuilder(apiKey ? 'anthropic' : 'stub', plan.expectedAlerts);
  // Against the local Messages API, the demo also records the past an anomaly stands out from. First, so
  // that the hour judged holds these calls only, whenever the traffic below ends.
  const history = stub ? demoHistory(Date.now(), randomUUID().slice(0, 8)) : undefined;
  if (history) {
    const judged = new Date(history.judgedHourMs).toISOString().slice(0, 13);
    log(
      `Recording past calls of ${STEADY_FUNCTION} and ${SPIKING_FUNCTION}: ${history.baseline.length} in the hour ${judged.slice(11)}:00 UTC of the last ${BASELINE_WEEKS} weeks, and ${history.recent.length} in that hour today, when ${SPIKING_FUNCTION} spent ten times its usual...`,
    );
    await recordCalls([...history.baseline, ...history.recent]);
    for (const record of history.recent) builder.recorded(record);
    builder.baseline(history.baseline);
  }
  log(
    apiKey
      ? `Sending a few small calls to the Anthropic API with ${process.env[LOCAL_ENV.demoModel] || DEMO_MODELS.haiku}...`
      : `Sending demo traffic to a local Messages API at ${stub!.url} (set ANTHROPIC_API_KEY to use the real API)...`,
  );
  log(TRAFFIC_HEADER);
  let unmonitored: Awaited<ReturnType<typeof sendUnmonitored>> = [];
  try {
    for (const invocation of plan.invocations) {
      await runInvocation(
        { client, builder, log, ...(stub ? { stub } : {}), ...(bedrock ? { bedrock } : {}) },
        invocation,
      );
    }
    if (stub) unmonitored = await sendUnmonitored(stub, plan.unmonitored, log);
  } finally {
    await stub?.close();
  }
  const manifest: DemoManifest = builder.finish();
  await writeFile(demoManifestFile(dir), `${JSON.stringify(manifest, null, 2)}\n`);
  log(
    `\n${manifest.calls} calls recorded (${manifest.errors} failed, ${manifest.refused} of them refused by a budget before they were sent); what was sent: ${demoManifestFile(dir)}`,
  );
  if (history) {
    log(
      `  (${history.recent.length} of them recorded with last hour's timestamps, not sent; ${manifest.baseline.calls} more recorded in earlier weeks for the anomaly's baseline)`,
    );
  }
  if (manifest.expectedAlerts.length > 0) {
    log('Alerts to expect in the `npm start` terminal, once each:');
    for (const alert of manifest.expectedAlerts) log(`  ${alert.rule} for ${alert.scope}`);
  }

  log('\nWaiting for the aggregator to roll the calls up...');
  const summary = await api.waitForCalls(before + manifest.calls);
  printSummary(log, summary, manifest, before === 0);
  if (history) {
    await api.waitForCalls(beforeHistory + manifest.calls + manifest.baseline.calls, 30_000, HISTORY_HOURS);
    log('\nRunning the insights job once (hourly in AWS): anomalies of the last complete hour, forecasts...');
    const run = await runDemoInsights(state, history.runAtMs);
    log(
      `  Hour ${run.hour} judged against the same hour of ${BASELINE_WEEKS} earlier weeks: ${run.anomalies} anomal${run.anomalies === 1 ? 'y' : 'ies'}, ${run.forecasts} forecast${run.forecasts === 1 ? '' : 's'} over budget, ${run.fired} alert${run.fired === 1 ? '' : 's'} fired.`,
    );
  }
  if (stub) {
    const from = await sendBills(state, builder.billableCalls(), unmonitored);
    log('\nReconciling the demo day with the stand-in bills (the reconciler runs daily in AWS)...');
    const report = await reconcileDemoDays(state, from);
    await printReconciliation(log, api, report.days.length);
  } else {
    log(
      '\nReconciliation with the real bill needs an Admin API key in the deployed stack: docs/reconciliation.md.',
    );
  }
  await printRecentAlerts(log, api, manifest.expectedAlerts);
  log(`\nDashboard: ${state.dashboardUrl}`);
  await printExports(log, api, dir);

  const expectsSessionAlert = manifest.expectedAlerts.some((alert) => alert.rule === 'session-cost');
  if (!state.notifier || !expectsSessionAlert) {
    if (options['slack-webhook']) log('\nNo alert was expected from this run, so nothing was sent to Slack.');
    return;
  }
  log('\nWaiting for the notifier to deliver the session alert to the local channels...');
  const slack = await waitForDelivery(dir, LOCAL_CHANNEL.slack.name, COSTLY_SESSION);
  const webhook = await waitForDelivery(dir, LOCAL_CHANNEL.webhook.name, COSTLY_SESSION);
  await printSlackDelivery(log, dir, slack);
  printWebhookDelivery(log, webhook, state.notifier.webhookSigningSecret);
  if (options['slack-webhook']) await sendToSlack(log, options['slack-webhook'], slack);
};

main().catch((error: unknown) => {
  const known = error instanceof LocalStackError;
  console.error(`\nThe demo failed: ${known ? (error as Error).message : String(error)}`);
  if (!known && error instanceof Error && error.stack) console.error(error.stack);
  process.exit(1);
});
