import { RemovalPolicy, Token } from 'aws-cdk-lib';
import {
  validateAlertConfig,
  validateAlertFilter,
  validateBudgetEnforcement,
  validateBudgets,
  validateChannels,
} from 'claude-monitor/domain';
import { validateReconciliationSettings } from '../../functions/reconciler/config';
import { downgradeProblems } from '../../functions/shared/budget-models';
import { capacityProblems } from './capacity';
import type { ClaudeMonitorProps } from './claude-monitor-props';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const STAGE_NAME = /^[a-z][a-z0-9-]{0,19}$/;

/** Values computed at deploy time cannot be checked at synth time. */
const known = (value: unknown): boolean => !Token.isUnresolved(value);

const isWholeIn = (value: number, min: number, max: number): boolean =>
  Number.isSafeInteger(value) && value >= min && value <= max;

const httpsUrlProblem = (raw: string): string | undefined => {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'is not a URL';
  }
  return url.protocol === 'https:' ? undefined : 'must use https';
};

const originProblem = (raw: string): string | undefined => {
  const problem = httpsUrlProblem(raw);
  if (problem) return problem;
  const url = new URL(raw);
  return url.origin === raw ? undefined : 'must be an origin only (scheme, host and port, no path)';
};

const validateSubscriptions = (props: ClaudeMonitorProps, problems: string[]): void => {
  (props.alertEmails ?? []).forEach((email, i) => {
    if (typeof email === 'object' && email !== null) {
      if (typeof email.address !== 'string' || (known(email.address) && !EMAIL.test(email.address))) {
        problems.push(`alertEmails[${i}].address must be an email address, got "${String(email.address)}"`);
      }
      if (email.filter !== undefined)
        problems.push(...validateAlertFilter(email.filter, `alertEmails[${i}].filter`));
    } else if (typeof email !== 'string' || (known(email) && !EMAIL.test(email))) {
      problems.push(`alertEmails[${i}] must be an email address, got "${String(email)}"`);
    }
  });
  if (props.alertChannels !== undefined)
    problems.push(...validateChannels(props.alertChannels, 'alertChannels'));
  (props.alertWebhooks ?? []).forEach((hook, i) => {
    const problem = known(hook) ? httpsUrlProblem(hook) : undefined;
    if (problem) problems.push(`alertWebhooks[${i}] ${problem}, got "${hook}"`);
  });
};

const validateNumbers = (props: ClaudeMonitorProps, problems: string[]): void => {
  const { retentionDays, aggregator = {}, apiThrottle = {} } = props;
  if (retentionDays !== undefined && !isWholeIn(retentionDays, 1, 3650)) {
    problems.push(`retentionDays must be a whole number of days from 1 to 3650, got ${retentionDays}`);
  }
  if (aggregator.batchSize !== undefined && !isWholeIn(aggregator.batchSize, 1, 10_000)) {
    problems.push(`aggregator.batchSize must be a whole number from 1 to 10000, got ${aggregator.batchSize}`);
  }
  const window = aggregator.batchingWindowSeconds;
  if (window !== undefined && !isWholeIn(window, 0, 300)) {
    problems.push(`aggregator.batchingWindowSeconds must be a whole number from 0 to 300, got ${window}`);
  }
  const factor = aggregator.parallelizationFactor;
  if (factor !== undefined && !isWholeIn(factor, 1, 10)) {
    problems.push(`aggregator.parallelizationFactor must be a whole number from 1 to 10, got ${factor}`);
  }
  if (apiThrottle.rateLimit !== undefined && !(apiThrottle.rateLimit > 0)) {
    problems.push(`apiThrottle.rateLimit must be > 0, got ${apiThrottle.rateLimit}`);
  }
  if (apiThrottle.burstLimit !== undefined && !isWholeIn(apiThrottle.burstLimit, 1, 5000)) {
    problems.push(
      `apiThrottle.burstLimit must be a whole number from 1 to 5000, got ${apiThrottle.burstLimit}`,
    );
  }
};

const SCHEDULE = /^(rate\(\d+ (minute|minutes|hour|hours|day|days)\)|cron\(\S+ \S+ \S+ \S+ \S+ \S+\))$/;
const SECRET_ARN = /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:.+$/;

const validateReconciliation = (props: ClaudeMonitorProps, problems: string[]): void => {
  if (props.reconciliation === undefined) return;
  const { enabled, schedule, adminKeySecretArn, ...settings } = props.reconciliation;
  if (enabled !== undefined && typeof enabled !== 'boolean') {
    problems.push('reconciliation.enabled must be true or false');
  }
  if (schedule !== undefined && known(schedule) && !SCHEDULE.test(schedule)) {
    problems.push(
      `reconciliation.schedule must be an EventBridge expression like cron(15 6 * * ? *) or rate(12 hours), got "${schedule}"`,
    );
  }
  if (adminKeySecretArn !== undefined && known(adminKeySecretArn) && !SECRET_ARN.test(adminKeySecretArn)) {
    problems.push(
      `reconciliation.adminKeySecretArn must be a Secrets Manager secret ARN, got "${adminKeySecretArn}"`,
    );
  }
  problems.push(...validateReconciliationSettings(settings, 'reconciliation'));
};

/**
 * Every problem with the props, each message naming the prop (e.g. `alertEmails[0] must be an email
 * address, got "ops"`). Empty means valid.
 */
export const validateClaudeMonitorProps = (props: ClaudeMonitorProps): string[] => {
  const problems: string[] = [];
  const { stageName, dashboardOrigin, removalPolicy } = props;
  if (stageName !== undefined && !STAGE_NAME.test(stageName)) {
    problems.push(
      `stageName must be 1-20 lower-case letters, digits or dashes starting with a letter, got "${stageName}"`,
    );
  }
  validateSubscriptions(props, problems);
  validateNumbers(props, problems);
  problems.push(...capacityProblems(props.capacity));
  problems.push(...validateAlertConfig(props.alerts ?? {}, 'alerts'));
  validateReconciliation(props, problems);
  if (props.budgets !== undefined) {
    const budgetProblems = validateBudgets(props.budgets, 'budgets');
    problems.push(...budgetProblems);
    if (budgetProblems.length === 0) problems.push(...downgradeProblems(props.budgets, 'budgets'));
  }
  if (props.budgetEnforcement !== undefined) {
    problems.push(...validateBudgetEnforcement(props.budgetEnforcement, 'budgetEnforcement'));
  }
  const originIssue = dashboardOrigin && known(dashboardOrigin) ? originProblem(dashboardOrigin) : undefined;
  if (originIssue) problems.push(`dashboardOrigin ${originIssue}, got "${dashboardOrigin}"`);
  if (
    removalPolicy !== undefined &&
    removalPolicy !== RemovalPolicy.RETAIN &&
    removalPolicy !== RemovalPolicy.DESTROY
  ) {
    problems.push(`removalPolicy must be RETAIN or DESTROY, got ${removalPolicy}`);
  }
  return problems;
};
