import { appendFileSync, mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ENV } from 'claude-monitor/domain';
import { DynamoDbLocalError } from './dynamodb-local';
import type { LocalDelivery } from './local-notifier';
import type { LocalAlert } from './local-sns';
import { type LocalStack, startLocalStack } from './local-stack';
import { LocalStackError } from './local-stack-errors';
import { banner, formatAlert, formatDelivery, REPLAY_LINE, USAGE } from './local-stack-output';
import { hideMetricsOutput } from './quiet-metrics-output';
import {
  alertLogFile,
  DEFAULT_PORT,
  deliveryLogFile,
  LOCAL_ENV,
  localDir,
  readStackState,
  removeStackState,
  writeStackState,
} from './stack-state';

const parsePort = (raw: string | undefined): number => {
  if (raw === undefined || raw === '') return DEFAULT_PORT;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 1 || port > 65_535) {
    throw new LocalStackError(`${LOCAL_ENV.port} must be a port number (1-65535), got "${raw}"`);
  }
  return port;
};

/** Two stacks sharing one state directory would send the demo to whichever wrote last. */
const assertNoOtherStack = async (dir: string): Promise<void> => {
  const other = await readStackState(dir).catch(() => undefined);
  if (other) {
    throw new LocalStackError(
      `another local stack (pid ${other.pid}) is running with ${dir}: stop it first, or set ${LOCAL_ENV.localDir} to another directory`,
    );
  }
};

const readOptions = () => {
  try {
    return parseArgs({
      options: {
        data: { type: 'string' },
        'from-trim-horizon': { type: 'boolean', default: false },
        'slack-webhook': { type: 'string' },
        verbose: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }).values;
  } catch (cause) {
    throw new LocalStackError(`${(cause as Error).message} (see \`npm start -- --help\`)`, { cause });
  }
};

let stack: LocalStack | undefined;
let stopRequested: string | undefined;
let stopping = false;

const stop = async (reason: string, dir: string, exitCode = 0): Promise<void> => {
  // Ctrl-C reaches every process of the terminal's group, and the runner relays it once more: one is enough.
  if (stopping) return;
  stopping = true;
  console.log(`\n${reason}: stopping the local stack...`);
  await removeStackState(dir);
  await stack?.stop();
  console.log('Stopped. Nothing is left running.');
  process.exit(exitCode);
};

const main = async (): Promise<void> => {
  // The stack runs on Node 20 on purpose; the SDK's notice about future Node versions is noise here.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const values = readOptions();
  if (values.help) {
    console.log(USAGE);
    return;
  }
  if (!values.verbose) {
    hideMetricsOutput(process.stdout);
    hideMetricsOutput(process.stderr);
  }
  const port = parsePort(process.env[LOCAL_ENV.port]);
  const rawDataDir = values.data ?? process.env[LOCAL_ENV.dataDir];
  const dataDir = rawDataDir ? resolve(rawDataDir) : undefined;
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const dir = localDir();
  mkdirSync(dir, { recursive: true });
  await assertNoOtherStack(dir);
  const fromTrimHorizon = values['from-trim-horizon'] ?? false;

  // Registered before anything starts: a Ctrl-C during start-up must still stop DynamoDB Local.
  const onSignal = (signal: string): void => {
    if (stack) void stop(signal, dir);
    else {
      stopRequested = signal;
      console.log(`${signal}: stopping as soon as start-up has finished...`);
    }
  };
  process.on('SIGINT', () => onSignal('SIGINT'));
  process.on('SIGTERM', () => onSignal('SIGTERM'));

  const onAlert = (alert: LocalAlert): void => {
    console.log(formatAlert(alert));
    appendFileSync(alertLogFile(dir), `${JSON.stringify(alert)}\n`);
  };
  const onDelivery = (delivery: LocalDelivery): void => {
    console.log(formatDelivery(delivery));
    appendFileSync(deliveryLogFile(dir), `${JSON.stringify(delivery)}\n`);
  };
  const givenToken = process.env[ENV.apiToken] || process.env[LOCAL_ENV.apiToken];
  console.log(
    `Starting DynamoDB Local, the SNS emulator, the aggregator, the notifier and the API on port ${port}...`,
  );
  stack = await startLocalStack({
    port,
    fromTrimHorizon,
    onAlert,
    onDelivery,
    onFatal: (reason) => void stop(reason, dir, 1),
    ...(values['slack-webhook'] ? { slackWebhook: values['slack-webhook'] } : {}),
    ...(dataDir ? { dataDir } : {}),
    ...(givenToken ? { token: givenToken } : {}),
  });
  if (stopRequested) return stop(stopRequested, dir);

  if (fromTrimHorizon) {
    console.log('Re-reading the table stream from TRIM_HORIZON...');
    await stack.waitUntilIdle();
    console.log(
      `${REPLAY_LINE} ${stack.callRecordsSeen()} call record(s) handed to the aggregator again; rollups and alerts are idempotent, so nothing changes.`,
    );
  }
  await writeStackState(dir, stack.state);
  console.log(banner(stack.state, dataDir, dir));
};

main().catch(async (error: unknown) => {
  const known = error instanceof LocalStackError || error instanceof DynamoDbLocalError;
  console.error(`\nThe local stack could not start: ${known ? (error as Error).message : String(error)}`);
  if (!known && error instanceof Error && error.stack) console.error(error.stack);
  await stack?.stop();
  process.exit(1);
});
