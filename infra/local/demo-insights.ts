import { createDynamoSink } from 'claude-monitor';
import { type CallRecord, ENV, SERVICE } from 'claude-monitor/domain';
import type { InsightsRun } from '../../functions/insights/run-insights';
import type { ExpectedAlert } from './demo-plan';
import { LocalStackError } from './local-stack-errors';
import type { MonitorApiClient } from './monitor-api-client';
import type { StackState } from './stack-state';

type Log = (line: string) => void;

/** Past calls are written a hundred at a time (four `BatchWriteItem` requests), each flush within a minute. */
const RECORDS_PER_FLUSH = 100;
const RECORD_TIMEOUT_MS = 60_000;

/**
 * Writes call records with their own timestamps through the layer's recorder, as a monitored function
 * would have recorded them then: the stack's stream runner hands them to the aggregator like any other.
 */
export const recordCalls = async (records: readonly CallRecord[]): Promise<void> => {
  // The recorder bounds a write by the time an invocation has left; a script has no such hurry, and
  // DynamoDB Local on a busy machine can take seconds for a few hundred items.
  const sink = createDynamoSink({ flushTimeoutMs: RECORD_TIMEOUT_MS, flushIntervalMs: RECORD_TIMEOUT_MS });
  let written = 0;
  for (let start = 0; start < records.length; start += RECORDS_PER_FLUSH) {
    for (const record of records.slice(start, start + RECORDS_PER_FLUSH)) sink.add(record);
    written += (await sink.flush()).written;
  }
  if (written !== records.length) {
    throw new LocalStackError(
      `${records.length - written} of ${records.length} past calls could not be recorded (see the lines above)`,
    );
  }
};

/**
 * Runs the stack's insights job once, as the hourly schedule would at `runAtMs`: the same code as the Lambda
 * function, against the stack's table and topic, so what it fires is printed and delivered like any alert.
 */
export const runDemoInsights = async (state: StackState, runAtMs: number): Promise<InsightsRun> => {
  Object.assign(process.env, {
    [ENV.snsEndpoint]: state.snsEndpoint,
    [ENV.alertTopicArn]: state.alertTopicArn,
    POWERTOOLS_LOG_LEVEL: process.env.POWERTOOLS_LOG_LEVEL ?? 'WARN',
  });
  const { createRuntime } = await import('../../functions/aggregator/runtime');
  const { runInsights } = await import('../../functions/insights/run-insights');
  const runtime = createRuntime(SERVICE.insights);
  return runInsights({ ...runtime.deps, now: () => runAtMs });
};

interface ListedAlert {
  fired_at: string;
  rule: string;
  scope: string;
  severity: string;
  subject: string;
}

/** Alerts fired by other parts (the aggregator after its commit) may land a moment after the figures. */
const WAIT_MS = 20_000;

/**
 * Prints the alerts the API lists for the last 7 days, once those the demo expects are all there (or after
 * a wait, saying which are missing).
 */
export const printRecentAlerts = async (
  log: Log,
  api: MonitorApiClient,
  expected: readonly ExpectedAlert[],
): Promise<void> => {
  const deadline = Date.now() + WAIT_MS;
  const key = (alert: { rule: string; scope: string }) => `${alert.rule} ${alert.scope}`;
  let listed: ListedAlert[] = [];
  let missing: string[] = [];
  for (;;) {
    listed = (await api.json<{ alerts: ListedAlert[] }>('/api/monitoring/alerts?limit=200')).alerts;
    const have = new Set(listed.map(key));
    missing = expected.map(key).filter((k) => !have.has(k));
    if (missing.length === 0 || Date.now() > deadline) break;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  log('\nAlerts fired, newest first (GET /api/monitoring/alerts, the dashboard\'s "Recent alerts"):');
  for (const alert of listed) {
    log(`  ${alert.fired_at.slice(0, 19).replace('T', ' ')}  ${alert.severity.padEnd(9)}${alert.subject}`);
  }
  if (missing.length > 0) log(`  Not listed yet: ${missing.join(', ')}`);
};
