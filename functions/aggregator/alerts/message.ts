import { ALERT_SEVERITY, type AlertSeverity, formatUsd, nanoToUsd } from 'claude-monitor/domain';
import { ALERT_UNIT, type Alert } from './alert';

/** SNS rejects subjects over 100 characters. */
export const MAX_SUBJECT_LENGTH = 100;

/** Marks the start of the machine-readable block at the end of the body. */
export const PAYLOAD_MARKER = '--- alert payload (JSON) ---';

/** What is published: subject and body for people, attributes and a JSON payload for machines. */
export interface AlertMessage {
  subject: string;
  body: string;
  attributes: AlertAttributes;
  payload: AlertPayload;
}

/**
 * SNS message attributes (all `String`) that subscription filter policies route on. The scope's parts are
 * repeated as `tenant`, `user`, `function` or `model`, and a session's alert also carries its tenant and
 * user; an attribute without a value is left out (SNS refuses empty strings). At most 10, the most SNS
 * passes on to SQS subscribers.
 */
export type AlertAttributes = Record<
  'rule' | 'scope' | 'value' | 'threshold' | 'window' | 'severity',
  string
> &
  Partial<Record<'tenant' | 'user' | 'function' | 'model', string>>;

/** The JSON block that ends every body. Money in nano-dollars and in USD. */
export interface AlertPayload {
  rule: string;
  scope: string;
  value: number;
  threshold: number;
  unit: string;
  window: string;
  step: string;
  time: string;
  /** Absent in alerts published before severities existed. */
  severity?: AlertSeverity;
  valueUsd?: number;
  thresholdUsd?: number;
  budget?: { period: string; percent: number; amountUsd: number };
  anomaly?: Alert['anomaly'];
  forecast?: { monthToDateUsd: number; method: string };
}

/** `session:abc` → `session abc`; `account` stays. */
export const scopeLabel = (scope: string): string => {
  const at = scope.indexOf(':');
  return at < 0 ? scope : `${scope.slice(0, at)} ${scope.slice(at + 1)}`;
};

const money = (alert: Alert): boolean => alert.unit === ALERT_UNIT.nanoUsd;
const shown = (alert: Alert, amount: number): string => {
  if (money(alert)) return formatUsd(amount);
  if (alert.unit === ALERT_UNIT.ratio) return `${(amount * 100).toFixed(1)}%`;
  if (alert.unit === ALERT_UNIT.ms) return `${amount} ms`;
  return String(amount);
};

const METRIC_WORDS: Record<string, string> = {
  spend: 'spend',
  'error-rate': 'error rate',
  'p95-latency': 'p95 latency',
};
const periodWord = (period: string): string =>
  period === 'day' ? 'daily' : period === 'month' ? 'monthly' : 'lifetime';

/** SNS subjects: printable ASCII, no line breaks, at most 100 characters. */
export const cleanSubject = (text: string): string => {
  const ascii = text.replace(/[^\x20-\x7e]/g, '?');
  return ascii.length <= MAX_SUBJECT_LENGTH ? ascii : `${ascii.slice(0, MAX_SUBJECT_LENGTH - 3)}...`;
};

const headline = (alert: Alert): string => {
  const who = scopeLabel(alert.scope);
  switch (alert.rule) {
    case 'session-cost':
      return `Claude spend: ${who} exceeded ${formatUsd(alert.threshold)}`;
    case 'budget': {
      const budget = alert.budget!;
      return `Claude spend: ${who} reached ${budget.percent}% of its ${periodWord(budget.period)} budget of ${formatUsd(budget.amountNanoUsd)}`;
    }
    case 'budget-refused':
      return `Claude budget: ${who} is refusing calls, its ${periodWord(alert.budget!.period)} budget of ${formatUsd(alert.threshold)} is used up`;
    case 'consecutive-errors':
      return `Claude errors: ${alert.value} consecutive failed calls in ${who}`;
    case 'unpriced-model':
      return `Claude pricing: calls of unpriced ${who} on ${alert.window}`;
    case 'reconciliation-difference':
      return `Claude bill: ${who} billed ${formatUsd(alert.value)} away from tracked spend on ${alert.window}`;
    case 'unmonitored-spend':
      return `Claude bill: ${formatUsd(alert.value)} of unmonitored spend under ${who} on ${alert.window}`;
    case 'anomaly':
      return `Claude anomaly: ${METRIC_WORDS[alert.step] ?? alert.step} of ${who} unusual at ${alert.window}:00 UTC`;
    case 'forecast-budget':
      return `Claude forecast: ${who} is on course to exceed its monthly budget of ${formatUsd(alert.threshold)}`;
  }
};

/** What happened, in a sentence or two: the body's explanation, also kept in the alert log. */
export const explainAlert = (alert: Alert): string => {
  switch (alert.rule) {
    case 'session-cost':
      return `The session's total cost is ${formatUsd(alert.value)}, over the alert threshold of ${formatUsd(alert.threshold)}.`;
    case 'budget':
      return `Spend in ${alert.window} is ${formatUsd(alert.value)}, which is ${alert.budget!.percent}% or more of the budget (${formatUsd(alert.budget!.amountNanoUsd)}).`;
    case 'budget-refused':
      return `The enforced budget has no room left for another call: ${formatUsd(alert.value)} of ${formatUsd(alert.threshold)} spent in ${alert.window}, the rest held by calls in flight. Calls past it are refused before they are sent (BudgetExceededError) until the window resets${alert.budget!.period === 'lifetime' ? ' (a session budget never resets)' : ''}. Raise it with PUT /api/monitoring/budgets, or use a budget override for traffic that must go through.`;
    case 'consecutive-errors':
      return `The last ${alert.value} calls failed in a row (the alert threshold is ${alert.threshold}). The streak began at ${alert.window}.`;
    case 'unpriced-model':
      return 'This model is not in the price table: its calls are recorded as unpriced, not as free. Add a price override so costs are complete.';
    case 'reconciliation-difference':
      return `Summed over models, the bill differs from the spend the monitor recorded by ${formatUsd(alert.value)}, more than the tolerance of ${formatUsd(alert.threshold)}. GET /api/monitoring/reconciliation shows the models.`;
    case 'unmonitored-spend':
      return 'This usage was billed but never recorded by the monitor: it was made without the monitored client, or under a key the monitored functions do not use.';
    case 'anomaly': {
      const a = alert.anomaly!;
      return `In the hour ${alert.window}:00 UTC the ${METRIC_WORDS[a.metric] ?? a.metric} was ${shown(alert, alert.value)}, against a median of ${shown(alert, a.baselineMedian)} in the same hour of the previous ${a.baselineHours} weeks (score ${a.score}).`;
    }
    case 'forecast-budget':
      return `Spend in ${alert.window} is ${formatUsd(alert.forecast!.monthToDateNanoUsd)} so far and is projected to reach ${formatUsd(alert.value)} by the month's end, over the budget of ${formatUsd(alert.threshold)}. Method: ${alert.forecast!.method}.`;
  }
};

/**
 * How urgent an alert is: a whole budget spent or a run of failures is critical; a session over its
 * threshold, 80 % of a budget, an unpriced model or a bill away from tracked spend is a warning; earlier
 * budget steps are information.
 */
export const severityOf = (alert: Alert): AlertSeverity => {
  switch (alert.rule) {
    case 'consecutive-errors':
    case 'budget-refused':
      return ALERT_SEVERITY.critical;
    case 'budget': {
      const percent = alert.budget?.percent ?? 100;
      if (percent >= 100) return ALERT_SEVERITY.critical;
      return percent >= 80 ? ALERT_SEVERITY.warning : ALERT_SEVERITY.info;
    }
    case 'session-cost':
    case 'unpriced-model':
    case 'reconciliation-difference':
    case 'unmonitored-spend':
    case 'anomaly':
    case 'forecast-budget':
      return ALERT_SEVERITY.warning;
  }
};

const SCOPE_ATTRIBUTES = { tenant: 'tenant', user: 'user', function: 'function', model: 'model' } as const;

/** `tenant`, `user`, `function` and `model` attributes from the scope and the alert's context. */
const routingAttributes = (
  alert: Alert,
): Partial<Record<'tenant' | 'user' | 'function' | 'model', string>> => {
  const out: Partial<Record<'tenant' | 'user' | 'function' | 'model', string>> = {};
  if (alert.context?.tenantId) out.tenant = alert.context.tenantId;
  if (alert.context?.userId) out.user = alert.context.userId;
  const at = alert.scope.indexOf(':');
  const kind = at < 0 ? '' : alert.scope.slice(0, at);
  const value = alert.scope.slice(at + 1);
  if (kind in SCOPE_ATTRIBUTES && value !== '') out[kind as keyof typeof SCOPE_ATTRIBUTES] = value;
  return out;
};

/** Builds the message of an alert. Pure, so subjects and bodies are tested without SNS. */
export const formatAlert = (alert: Alert): AlertMessage => {
  const severity = severityOf(alert);
  const payload: AlertPayload = {
    rule: alert.rule,
    scope: alert.scope,
    value: alert.value,
    threshold: alert.threshold,
    unit: alert.unit,
    window: alert.window,
    step: alert.step,
    time: alert.time,
    severity,
    ...(money(alert)
      ? { valueUsd: nanoToUsd(alert.value, 9), thresholdUsd: nanoToUsd(alert.threshold, 9) }
      : {}),
    ...(alert.budget
      ? {
          budget: {
            period: alert.budget.period,
            percent: alert.budget.percent,
            amountUsd: nanoToUsd(alert.budget.amountNanoUsd, 9),
          },
        }
      : {}),
    ...(alert.anomaly ? { anomaly: alert.anomaly } : {}),
    ...(alert.forecast
      ? {
          forecast: {
            monthToDateUsd: nanoToUsd(alert.forecast.monthToDateNanoUsd, 9),
            method: alert.forecast.method,
          },
        }
      : {}),
  };
  const body = [
    headline(alert),
    '',
    explainAlert(alert),
    '',
    `Rule:      ${alert.rule}`,
    `Scope:     ${scopeLabel(alert.scope)}`,
    `Value:     ${shown(alert, alert.value)}`,
    `Threshold: ${shown(alert, alert.threshold)}`,
    `Window:    ${alert.window}`,
    `Severity:  ${severity}`,
    `Time:      ${alert.time}`,
    '',
    PAYLOAD_MARKER,
    JSON.stringify(payload),
  ].join('\n');
  return {
    subject: cleanSubject(headline(alert)),
    body,
    attributes: {
      rule: alert.rule,
      scope: alert.scope,
      value: money(alert) ? String(nanoToUsd(alert.value, 9)) : String(alert.value),
      threshold: money(alert) ? String(nanoToUsd(alert.threshold, 9)) : String(alert.threshold),
      window: alert.window,
      severity,
      ...routingAttributes(alert),
    },
    payload,
  };
};

/** Reads the JSON payload back out of a body (for subscribers and tests). */
export const payloadOf = (body: string): AlertPayload | undefined => {
  const at = body.lastIndexOf(PAYLOAD_MARKER);
  return at < 0 ? undefined : (JSON.parse(body.slice(at + PAYLOAD_MARKER.length)) as AlertPayload);
};
