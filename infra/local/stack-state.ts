import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { StackNotRunningError } from './local-stack-errors';

/** Environment variables of the local stack and the demo (the deployed system never reads them). */
export const LOCAL_ENV = {
  /** Port of the API and dashboard. */
  port: 'PORT',
  /** Directory DynamoDB Local keeps its data in; in memory when unset. Same as `--data <dir>`. */
  dataDir: 'CLAUDE_MONITOR_DATA_DIR',
  /** Directory of the state file, the alert log and the demo's output. */
  localDir: 'CLAUDE_MONITOR_LOCAL_DIR',
  /** Model of the demo against the real API (`ANTHROPIC_API_KEY` set); the cheapest current Haiku by default. */
  demoModel: 'CLAUDE_MONITOR_DEMO_MODEL',
  /** Short name of the API token for the local stack; `CLAUDE_MONITOR_API_TOKEN` wins when both are set. */
  apiToken: 'MONITOR_API_TOKEN',
} as const;

/** @default 8000 */
export const DEFAULT_PORT = 8000;

/** Repository root, so `.local-data/` is the same wherever the commands are started from. */
const REPO_ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '..', '..');

/** Directory of the stack's state file, alert log and demo output. @default `<repo>/.local-data` */
export const localDir = (env: NodeJS.ProcessEnv = process.env): string =>
  resolve(env[LOCAL_ENV.localDir] || join(REPO_ROOT, '.local-data'));

/** What a running stack tells the demo (and tests) about itself. */
export interface StackState {
  pid: number;
  /** Process id of DynamoDB Local's Java process. */
  dynamodbPid: number;
  startedAt: string;
  apiUrl: string;
  dashboardUrl: string;
  token: string;
  tableName: string;
  dynamodbEndpoint: string;
  snsEndpoint: string;
  alertTopicArn: string;
  region: string;
  /** Budgets (`CLAUDE_MONITOR_BUDGETS`) and their enforcement settings, for the demo's monitored client. */
  budgets: string;
  budgetEnforcement: string;
  /** The local notifier: where its channel receivers listen, and the local webhook's signing secret. */
  notifier?: { receiversUrl: string; webhookSigningSecret: string; channels: string[] };
  /** The Anthropic Admin API stand-in and the admin key it accepts. */
  adminApiUrl: string;
  adminKey: string;
  /** The Cost Explorer stand-in. */
  costExplorerEndpoint: string;
}

export const stackStateFile = (dir: string): string => join(dir, 'stack.json');
/** One JSON line per alert received, kept across restarts so that a re-sent alert would show. */
export const alertLogFile = (dir: string): string => join(dir, 'alerts.jsonl');
/** One JSON line per request the notifier made to a local channel (Slack, Teams, webhook receivers). */
export const deliveryLogFile = (dir: string): string => join(dir, 'deliveries.jsonl');

export const writeStackState = async (dir: string, state: StackState): Promise<void> => {
  await mkdir(dir, { recursive: true });
  // The file holds the API token: readable by its owner only.
  await writeFile(stackStateFile(dir), `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
};

export const removeStackState = async (dir: string): Promise<void> => {
  await rm(stackStateFile(dir), { force: true });
};

const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/** The running stack's state; throws a message that says what to do when no stack is running. */
export const readStackState = async (dir: string): Promise<StackState> => {
  const file = stackStateFile(dir);
  let state: StackState;
  try {
    state = JSON.parse(await readFile(file, 'utf8')) as StackState;
  } catch (cause) {
    throw new StackNotRunningError(
      `no running local stack found (${file} is missing). Start it first with \`npm start\`, in another terminal.`,
      { cause },
    );
  }
  if (!isAlive(state.pid)) {
    throw new StackNotRunningError(
      `the local stack that wrote ${file} (pid ${state.pid}) is no longer running. Start it again with \`npm start\`.`,
    );
  }
  return state;
};
