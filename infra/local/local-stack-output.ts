import { resolve } from 'node:path';
import { ENV } from 'claude-monitor/domain';
import type { LocalDelivery } from './local-notifier';
import type { LocalAlert } from './local-sns';
import { alertLogFile, DEFAULT_PORT, LOCAL_ENV, type StackState } from './stack-state';

/** Printed once everything answers; scripts and tests wait for this text. */
export const READY_LINE = 'Local stack ready.';
/** Printed after a restart from TRIM_HORIZON has re-read the stream, followed by the number of call records. */
export const REPLAY_LINE = 'Stream replayed from TRIM_HORIZON:';

export const USAGE = `Usage: npm start [-- --data <dir>] [--from-trim-horizon] [--slack-webhook <url>] [--verbose]

Runs the Claude monitor on this machine: DynamoDB Local, the stream aggregator, alerts and the API + dashboard.

Options:
  --data <dir>           keep DynamoDB data in <dir> across restarts (env ${LOCAL_ENV.dataDir}); default: in memory
  --from-trim-horizon    re-read the whole table stream on start; rollups must come out unchanged
  --slack-webhook <url>  also deliver every alert to this Slack incoming webhook (a real channel)
  --verbose              also show the metrics documents (EMF) the functions write for CloudWatch
  -h, --help             show this text

Environment:
  ${LOCAL_ENV.port}                          port of the API and dashboard on 127.0.0.1 (default ${DEFAULT_PORT})
  ${ENV.apiToken}      API token, or ${LOCAL_ENV.apiToken} (default: a new random token at each start)
  ${ENV.alertConfig}   alert rules as JSON (default: session alert at $1, 5 consecutive errors)
  ${LOCAL_ENV.localDir}      where stack.json, alerts.jsonl and demo output go (default .local-data/)`;

const indent = (text: string, prefix: string): string =>
  text
    .split('\n')
    .map((line) => `${prefix}${line}`)
    .join('\n');

/** An alert as an email subscriber would read it: subject, body, and the rule in a line. */
export const formatAlert = (alert: LocalAlert): string => {
  const rule = alert.attributes.rule ? ` [${alert.attributes.rule}]` : '';
  const lines = alert.message.trim().split('\n');
  // Email bodies often open with the subject again; once is enough on a console.
  const body = (lines[0]?.trim() === alert.subject ? lines.slice(1) : lines).join('\n').trim();
  return ['', `=== ALERT${rule} ${alert.timestamp}`, `    ${alert.subject}`, indent(body, '    | '), ''].join(
    '\n',
  );
};

/** One line per request the notifier made to a local channel: which channel, the answer, the headline. */
export const formatDelivery = (delivery: LocalDelivery): string => {
  let headline = '';
  try {
    const body = JSON.parse(delivery.body) as {
      text?: string;
      attachments?: { content?: { body?: { text?: string }[] } }[];
      notifications?: { subject?: string }[];
    };
    headline =
      body.text ?? body.attachments?.[0]?.content?.body?.[0]?.text ?? body.notifications?.[0]?.subject ?? '';
  } catch {
    headline = '(not JSON)';
  }
  const signed = delivery.signature
    ? delivery.signature.ok
      ? ', signature verified'
      : `, signature ${delivery.signature.reason}`
    : '';
  return `--> ${delivery.channel} (${delivery.type}) answered ${delivery.status}${signed}: ${headline}`;
};

/** What the stack prints once it is up: where to look and where to send data. */
export const banner = (state: StackState, dataDir: string | undefined, dir: string): string =>
  [
    '',
    'Claude monitor: local stack',
    `  API          ${state.apiUrl}/api/monitoring/summary   (header Authorization: Bearer <token>)`,
    `  Token        ${state.token}`,
    `  Dashboard    ${state.dashboardUrl}`,
    `  Data         ${dataDir ? `kept in ${dataDir}` : 'in memory (gone on exit; --data <dir> keeps it)'}`,
    `  Alerts       printed here and appended to ${alertLogFile(dir)}`,
    `  Channels     ${(state.notifier?.channels ?? []).join(', ')} via ${state.notifier?.receiversUrl ?? '-'}; requests appended to ${resolve(dir, 'deliveries.jsonl')}`,
    `  Bills        Admin API stand-in ${state.adminApiUrl}, Cost Explorer stand-in ${state.costExplorerEndpoint} (reconciled hourly)`,
    `  State file   ${resolve(dir, 'stack.json')} (the demo reads it; removed on exit)`,
    '',
    'Send data with `npm run demo`, or point a monitored client in your own process at the stack:',
    `  ${ENV.tableName}=${state.tableName}`,
    `  ${ENV.dynamodbEndpoint}=${state.dynamodbEndpoint}`,
    `  AWS_REGION=${state.region} AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local`,
    '',
    `${READY_LINE} Press Ctrl-C to stop.`,
  ].join('\n');
