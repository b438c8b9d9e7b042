/**
 * Where alerts go besides email: chat channels and signed webhooks, each with an optional routing filter and
 * digest. Set at deploy time (`claudeMonitor.alertChannels`), read by the notifier, turned into SNS
 * subscription filter policies by the infrastructure.
 */

/** How urgent an alert is; channels can batch everything below a severity into a digest. */
export const ALERT_SEVERITY = { info: 'info', warning: 'warning', critical: 'critical' } as const;
export type AlertSeverity = (typeof ALERT_SEVERITY)[keyof typeof ALERT_SEVERITY];

/** Severities from least to most urgent. */
export const SEVERITY_ORDER: readonly AlertSeverity[] = ['info', 'warning', 'critical'];

/** True when `severity` is strictly less urgent than `than`. */
export const isBelowSeverity = (severity: AlertSeverity, than: AlertSeverity): boolean =>
  SEVERITY_ORDER.indexOf(severity) < SEVERITY_ORDER.indexOf(than);

/** SNS message attributes every published alert may carry (all `String`), so subscriptions can filter. */
export const ALERT_ATTRIBUTE = {
  rule: 'rule',
  scope: 'scope',
  value: 'value',
  threshold: 'threshold',
  window: 'window',
  severity: 'severity',
  tenant: 'tenant',
  user: 'user',
  function: 'function',
  model: 'model',
} as const;

/** Kinds of delivery channel. */
export const CHANNEL_TYPE = { slack: 'slack', teams: 'teams', webhook: 'webhook' } as const;
export type ChannelType = (typeof CHANNEL_TYPE)[keyof typeof CHANNEL_TYPE];

/**
 * Which alerts a channel or email subscription receives. Every list given must match (AND); within a list,
 * any value matches (OR). An omitted list matches everything, including alerts without that attribute.
 * Becomes an SNS subscription filter policy on the message attributes.
 *
 * @example { tenants: ['acme'] }            // only alerts about tenant acme
 * @example { rules: ['budget'] }            // only budget alerts
 */
export interface AlertFilter {
  /** `session-cost`, `budget`, `consecutive-errors`, `unpriced-model`. */
  readonly rules?: readonly string[];
  readonly severities?: readonly AlertSeverity[];
  readonly tenants?: readonly string[];
  readonly users?: readonly string[];
  readonly functions?: readonly string[];
  readonly models?: readonly string[];
}

/** Filter keys and the message attribute each one tests. */
export const FILTER_ATTRIBUTE = {
  rules: ALERT_ATTRIBUTE.rule,
  severities: ALERT_ATTRIBUTE.severity,
  tenants: ALERT_ATTRIBUTE.tenant,
  users: ALERT_ATTRIBUTE.user,
  functions: ALERT_ATTRIBUTE.function,
  models: ALERT_ATTRIBUTE.model,
} as const satisfies Record<keyof AlertFilter, string>;

/** Local time window, e.g. 22:00 to 07:00, in an IANA time zone. */
export interface QuietHours {
  /** `HH:MM`, 24-hour clock. */
  readonly start: string;
  /** `HH:MM`; before `start` means the window spans midnight. */
  readonly end: string;
  /** IANA time zone, e.g. `Europe/Berlin`. @default 'UTC' */
  readonly timeZone?: string;
}

/**
 * Batching of the less urgent alerts of a channel. Without `quietHours`, alerts below `belowSeverity` are
 * collected and sent as one digest per hour. With `quietHours`, they are sent one by one outside the window
 * and collected into one digest sent when the window ends.
 */
export interface DigestConfig {
  readonly belowSeverity: AlertSeverity;
  readonly quietHours?: QuietHours;
}

/** One delivery channel. */
export interface NotificationChannelConfig {
  /** Unique name, 1-40 lower-case letters, digits or dashes; appears in logs, metrics and resource ids. */
  readonly name: string;
  readonly type: ChannelType;
  /**
   * Name or ARN of a Secrets Manager secret holding the endpoint: JSON `{"url": "..."}` (Slack, Teams) or
   * `{"url": "...", "signingSecret": "..."}` (webhook); Slack and Teams also accept the bare URL.
   */
  readonly secret: string;
  /** @default - every alert */
  readonly filter?: AlertFilter;
  /** @default - every alert is sent at once */
  readonly digest?: DigestConfig;
}

/** An email subscription with an optional filter (`alertEmails` also accepts a bare address). */
export interface EmailSubscriptionConfig {
  readonly address: string;
  /** @default - every message of the topic, operational alarms included */
  readonly filter?: AlertFilter;
}

/** SNS allows at most 5 keys and 150 value combinations per filter policy. */
export const FILTER_POLICY_LIMITS = { keys: 5, combinations: 150 } as const;

/**
 * The SNS subscription filter policy of a filter (`{ "tenant": ["acme"], "rule": ["budget"] }`), or
 * `undefined` for a filter that lets everything through.
 */
export const filterPolicyOf = (filter: AlertFilter | undefined): Record<string, string[]> | undefined => {
  if (!filter) return undefined;
  const policy: Record<string, string[]> = {};
  for (const [key, attribute] of Object.entries(FILTER_ATTRIBUTE)) {
    const values = filter[key as keyof AlertFilter];
    if (values && values.length > 0) policy[attribute] = [...values];
  }
  return Object.keys(policy).length > 0 ? policy : undefined;
};

const CHANNEL_NAME = /^[a-z][a-z0-9-]{0,39}$/;
const TIME_OF_DAY = /^([01]\d|2[0-3]):[0-5]\d$/;
/** Secrets Manager names: letters, digits and /_+=.@- (up to 512); or a secret's ARN. */
const SECRET_NAME = /^[A-Za-z0-9/_+=.@-]{1,512}$/;
const SECRET_ARN = /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[A-Za-z0-9/_+=.@-]+$/;
const MAX_FILTER_VALUE_LENGTH = 256;

const isTimeZone = (zone: string): boolean => {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
};

/** Problems of a filter, each naming its key under `path`. Empty means valid. */
export const validateAlertFilter = (filter: AlertFilter, path: string): string[] => {
  if (typeof filter !== 'object' || filter === null || Array.isArray(filter)) {
    return [`${path} must be an object with rules, severities, tenants, users, functions or models`];
  }
  const problems: string[] = [];
  for (const key of Object.keys(filter)) {
    if (!(key in FILTER_ATTRIBUTE)) {
      problems.push(
        `${path}.${key} is not a filter key (rules, severities, tenants, users, functions, models)`,
      );
    }
  }
  let keys = 0;
  let combinations = 1;
  for (const key of Object.keys(FILTER_ATTRIBUTE) as (keyof AlertFilter)[]) {
    const values = filter[key];
    if (values === undefined) continue;
    if (!Array.isArray(values) || values.length === 0) {
      problems.push(`${path}.${key} must be a non-empty list of strings`);
      continue;
    }
    keys++;
    combinations *= values.length;
    values.forEach((value: unknown, i: number) => {
      if (typeof value !== 'string' || value === '' || value.length > MAX_FILTER_VALUE_LENGTH) {
        problems.push(`${path}.${key}[${i}] must be a string of 1-${MAX_FILTER_VALUE_LENGTH} characters`);
      } else if (key === 'severities' && !SEVERITY_ORDER.includes(value as AlertSeverity)) {
        problems.push(`${path}.${key}[${i}] must be info, warning or critical, got "${value}"`);
      }
    });
  }
  if (keys > FILTER_POLICY_LIMITS.keys) {
    problems.push(`${path} may use at most ${FILTER_POLICY_LIMITS.keys} keys (an SNS filter policy limit)`);
  }
  if (combinations > FILTER_POLICY_LIMITS.combinations) {
    problems.push(
      `${path} has ${combinations} value combinations; SNS allows at most ${FILTER_POLICY_LIMITS.combinations} (the product of the list lengths)`,
    );
  }
  return problems;
};

const validateDigest = (digest: DigestConfig, path: string): string[] => {
  if (typeof digest !== 'object' || digest === null) return [`${path} must be an object`];
  const problems: string[] = [];
  if (!SEVERITY_ORDER.includes(digest.belowSeverity) || digest.belowSeverity === 'info') {
    problems.push(`${path}.belowSeverity must be warning or critical, got ${String(digest.belowSeverity)}`);
  }
  const quiet = digest.quietHours;
  if (quiet !== undefined) {
    for (const key of ['start', 'end'] as const) {
      if (typeof quiet[key] !== 'string' || !TIME_OF_DAY.test(quiet[key])) {
        problems.push(`${path}.quietHours.${key} must be a time HH:MM, got ${String(quiet[key])}`);
      }
    }
    if (quiet.start === quiet.end) problems.push(`${path}.quietHours.start and end must differ`);
    if (quiet.timeZone !== undefined && !(typeof quiet.timeZone === 'string' && isTimeZone(quiet.timeZone))) {
      problems.push(`${path}.quietHours.timeZone must be an IANA time zone, got ${String(quiet.timeZone)}`);
    }
  }
  return problems;
};

/** True for a Secrets Manager secret name or secret ARN. */
export const isSecretReference = (value: string): boolean =>
  SECRET_ARN.test(value) || SECRET_NAME.test(value);

/** Problems of the channel list, each naming its key under `path`. Empty means valid. */
export const validateChannels = (
  channels: readonly NotificationChannelConfig[],
  path = 'alertChannels',
): string[] => {
  if (!Array.isArray(channels)) return [`${path} must be a list of channels`];
  const problems: string[] = [];
  const names = new Set<string>();
  channels.forEach((channel, i) => {
    const at = `${path}[${i}]`;
    if (typeof channel !== 'object' || channel === null) {
      problems.push(`${at} must be an object with name, type and secret`);
      return;
    }
    if (typeof channel.name !== 'string' || !CHANNEL_NAME.test(channel.name)) {
      problems.push(
        `${at}.name must be 1-40 lower-case letters, digits or dashes starting with a letter, got ${JSON.stringify(channel.name)}`,
      );
    } else if (names.has(channel.name)) {
      problems.push(`${at}.name "${channel.name}" is used by another channel`);
    } else names.add(channel.name);
    if (!Object.values(CHANNEL_TYPE).includes(channel.type)) {
      problems.push(`${at}.type must be slack, teams or webhook, got ${JSON.stringify(channel.type)}`);
    }
    if (typeof channel.secret === 'string' && /^https?:/i.test(channel.secret)) {
      problems.push(`${at}.secret must name a secret holding the URL, not the URL itself`);
    } else if (typeof channel.secret !== 'string' || !isSecretReference(channel.secret)) {
      problems.push(`${at}.secret must be the name or ARN of a Secrets Manager secret`);
    }
    if (channel.filter !== undefined) problems.push(...validateAlertFilter(channel.filter, `${at}.filter`));
    if (channel.digest !== undefined) problems.push(...validateDigest(channel.digest, `${at}.digest`));
  });
  return problems;
};
