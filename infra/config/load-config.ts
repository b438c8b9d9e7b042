import { existsSync, readFileSync } from 'node:fs';
import { RemovalPolicy } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { ClaudeMonitorProps } from '../constructs/claude-monitor-props';
import { configShapeProblems } from './config-shape';
import { MonitorConfigError } from './errors';
import type { MonitorConfig } from './monitor-config';

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const parseJsonObject = (text: string, source: string): Record<string, unknown> => {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (cause) {
    throw new MonitorConfigError(`${source} is not valid JSON`, { cause });
  }
  if (!isObject(parsed)) throw new MonitorConfigError(`${source} must be a JSON object`);
  return parsed;
};

/** The config file's content, or an empty config when there is no file. */
export const readConfigFile = (path: string): Record<string, unknown> =>
  existsSync(path) ? parseJsonObject(readFileSync(path, 'utf8'), path) : {};

/** The context value: an object (from cdk.json) or a JSON string (from `-c`). */
export const readConfigContext = (value: unknown, key: string): Record<string, unknown> => {
  if (value === undefined) return {};
  if (typeof value === 'string') return parseJsonObject(value, `context ${key}`);
  if (isObject(value)) return value;
  throw new MonitorConfigError(`context ${key} must be a JSON object`);
};

const removalPolicyOf = (value: unknown): RemovalPolicy | undefined => {
  if (value === undefined) return undefined;
  if (value === 'retain') return RemovalPolicy.RETAIN;
  if (value === 'destroy') return RemovalPolicy.DESTROY;
  throw new MonitorConfigError(`removalPolicy must be "retain" or "destroy", got ${JSON.stringify(value)}`);
};

const logRetentionOf = (value: unknown): RetentionDays | undefined => {
  if (value === undefined) return undefined;
  const allowed = Object.values(RetentionDays).filter((days): days is number => typeof days === 'number');
  if (typeof value === 'number' && allowed.includes(value)) return value as RetentionDays;
  throw new MonitorConfigError(`logRetentionDays must be one of ${allowed.join(', ')}, got ${String(value)}`);
};

/** What the stack needs: its name and the monitor's props. */
export interface ResolvedConfig {
  stackName: string;
  props: ClaudeMonitorProps;
}

/**
 * Merges the file and the context (context wins, key by key) and maps JSON values to props. Unknown keys and
 * values of the wrong JSON type are refused here, naming the key; prop values themselves are validated by
 * `ClaudeMonitor`, with messages naming the prop.
 * @throws MonitorConfigError listing every problem
 */
export const resolveConfig = (...layers: Record<string, unknown>[]): ResolvedConfig => {
  const merged = Object.assign({}, ...layers) as Record<string, unknown>;
  const problems = configShapeProblems(merged);
  if (problems.length > 0) {
    throw new MonitorConfigError(`invalid claudeMonitor configuration: ${problems.join('; ')}`);
  }
  const config = merged as MonitorConfig;
  const { stackName, removalPolicy, logRetentionDays, ...rest } = config;
  const policy = removalPolicyOf(removalPolicy);
  const logRetention = logRetentionOf(logRetentionDays);
  return {
    stackName: stackName ?? `ClaudeMonitor-${config.stageName ?? 'prod'}`,
    props: {
      ...rest,
      ...(policy === undefined ? {} : { removalPolicy: policy }),
      ...(logRetention === undefined ? {} : { logRetention }),
    },
  };
};
