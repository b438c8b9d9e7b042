import type { BudgetDecision } from '../budget/enforcer';
import { currentBudgetOverride } from '../budget/override';
import type { ApplicableBudget } from '../domain/budget';
import { reportMonitorFailure } from '../recorder/log-line';
import type { CallOptions } from './call-context';
import type { Exchange } from './exchange';
import type { LogicalCall } from './logical-call';
import { TARGET_KIND, type Target } from './targets';

/** Requests that are billed when sent (a batch's results were billed when the batch ran). */
const CHECKED_KINDS = new Set<string>([
  TARGET_KIND.messages,
  TARGET_KIND.bedrockInvoke,
  TARGET_KIND.bedrockConverse,
]);

/**
 * Whether a request could be checked at all: a billed kind, and a client (or zero-code) with an enforcer.
 * Answered without waiting; the `node:http` taps hold a request's bytes only when it is true.
 */
export const mayBeChecked = (target: Target, options: CallOptions): boolean => {
  try {
    return CHECKED_KINDS.has(target.kind) && options.monitor.budgets() !== undefined;
  } catch (error) {
    reportMonitorFailure('budget gate', error);
    return false;
  }
};

/**
 * The budget check of a request about to be sent, or undefined when there is none to wait for: no enforcer,
 * no enforced budget for the call, a retry of a call already checked (it keeps its reservation), or a
 * request that is not billed. The common cases return without waiting and without any DynamoDB request.
 *
 * The decision is kept on the call, which settles it when it finishes. A failure of the check itself (a bug,
 * not an unreachable table: that is the enforcer's `onUnavailable`) lets the call through, reported.
 */
export const budgetGate = (
  call: LogicalCall,
  exchange: Exchange,
  options: CallOptions,
  bodyIsText: boolean,
): Promise<BudgetDecision | undefined> | undefined => {
  try {
    if (call.budget || !CHECKED_KINDS.has(exchange.target.kind)) return undefined;
    const enforcer = options.monitor.budgets();
    if (!enforcer) return undefined;
    const applicable = enforcer.applicable(call.subject());
    if (applicable === undefined) return undefined;
    const decide = async (found: ApplicableBudget[] | undefined): Promise<BudgetDecision | undefined> => {
      if (found === undefined) return undefined;
      const body = exchange.body.json();
      const target = exchange.target;
      const overrideReason = options.budgetOverride ?? currentBudgetOverride();
      const decision = await enforcer.decide(
        {
          subject: call.subject(),
          model: target.urlModel ?? exchange.body.stringField('model') ?? 'unknown',
          bodyText: exchange.body.text(),
          body,
          atMs: call.startedAt,
          ...(overrideReason === undefined ? {} : { overrideReason }),
          canDowngrade: bodyIsText && target.kind === TARGET_KIND.messages && target.provider === 'anthropic',
        },
        found,
      );
      call.budget = { enforcer, decision };
      return decision;
    };
    const checked = (Array.isArray(applicable) ? decide(applicable) : applicable.then(decide))
      .catch((error: unknown) => {
        reportMonitorFailure('budget gate', error);
        return undefined;
      })
      .finally(() => {
        call.budgetCheck = undefined;
      });
    call.budgetCheck = checked;
    return checked;
  } catch (error) {
    reportMonitorFailure('budget gate', error);
    return undefined;
  }
};
