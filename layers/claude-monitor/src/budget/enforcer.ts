import {
  type ApplicableBudget,
  applicableBudgets,
  type BudgetConfig,
  type BudgetSubject,
  mergeBudgets,
  modeOf,
} from '../domain/budget';
import type { BudgetEnforcementConfig } from '../domain/budget-enforcement';
import { limitStateOf, type WindowRef, windowRefOf } from '../domain/budget-window';
import type { BudgetCheck, BudgetLimitState } from '../domain/call-record';
import { reservationSlotOf } from '../domain/table-schema';
import type { PriceTable } from '../pricing/types';
import { reportMonitorFailure } from '../recorder/log-line';
import type { BudgetStore, ReserveResult } from './budget-store';
import { costBound } from './cost-bound';
import { trackBudgetWork } from './pending-work';
import { RuntimeBudgets } from './runtime-budgets';

/** What the check needs to know of a call, before it is sent. */
export interface CallBudgetFacts {
  subject: BudgetSubject;
  /** The model as requested (request body, or the URL for Bedrock and Vertex). */
  model: string;
  bodyText: string | undefined;
  body: Record<string, unknown> | undefined;
  /** When the call starts: its record's timestamp, so reservation and record fall in the same window. */
  atMs: number;
  /** A per-call override: sent past any limit, with this reason on its record. */
  overrideReason?: string;
  /** The model is in the body (Anthropic Messages API), so the call can be sent to a cheaper one. */
  canDowngrade: boolean;
}

/** What to settle after the call: the reservation made on each window. */
export interface Settlement {
  windows: WindowRef[];
  reservedNanoUsd: number;
  /** Minute the reservation sits in; absent when nothing was reserved (override, unchecked call). */
  slot?: number;
}

/** The check's verdict on a call. */
export type BudgetDecision =
  | { action: 'send'; check: BudgetCheck; settlement: Settlement; downgradeTo?: string }
  | { action: 'refuse'; check: BudgetCheck; reason: 'exceeded' | 'unavailable' };

/** The body of a request with its model replaced (a downgrade). */
export const withModel = (body: Record<string, unknown>, model: string): string =>
  JSON.stringify({ ...body, model });

type Attempt =
  | { kind: 'fits' }
  | { kind: 'refused'; window: WindowRef; limit: BudgetLimitState }
  | { kind: 'unavailable' };

/** Process-local memory of the minutes already marked for the sweep, so each is written once per window. */
const MAX_MARKS = 10_000;

/**
 * Enforces budgets for the calls of one client configuration (or of the whole process): before a call, one
 * conditional reservation per limited window; after it, one settlement per window to the exact cost.
 * Calls that no enforced budget applies to cost nothing: no DynamoDB request, no record field.
 */
export class BudgetEnforcer {
  private readonly deployed: BudgetConfig[];
  private readonly runtime: RuntimeBudgets;
  /** Minute markers written (true) or being written (their promise), by `<window>|<minute>`. */
  private readonly marks = new Map<string, true | Promise<void>>();

  public constructor(
    private readonly store: BudgetStore,
    budgets: readonly BudgetConfig[],
    private readonly settings: BudgetEnforcementConfig,
    private readonly prices: () => PriceTable,
  ) {
    this.deployed = budgets.filter((budget) => modeOf(budget) === 'enforce');
    this.runtime = new RuntimeBudgets(store, settings.runtimeRefreshSeconds * 1_000, settings.timeoutMs);
  }

  /** Forgets the run-time budgets read so far: the next call reads them again. */
  public refreshBudgets(): void {
    this.runtime.invalidate();
  }

  /**
   * The enforced budgets that apply to a call, or undefined when none does and none can (the common case,
   * answered without waiting). A promise only while the process has not read the run-time budgets yet.
   */
  public applicable(
    subject: BudgetSubject,
  ): ApplicableBudget[] | undefined | Promise<ApplicableBudget[] | undefined> {
    const runtime = this.runtime.current();
    const pick = (loaded: BudgetConfig[]) => {
      const enforced = loaded.length === 0 ? this.deployed : this.enforcedOf(loaded);
      const found = applicableBudgets(enforced, subject);
      return found.length > 0 || this.runtime.unknown() ? found : undefined;
    };
    return Array.isArray(runtime) ? pick(runtime) : runtime.then(pick);
  }

  /** Decides on a call: reserve its upper bound on every applicable window, or refuse it, or let it pass. */
  public async decide(facts: CallBudgetFacts, applicable: ApplicableBudget[]): Promise<BudgetDecision> {
    const windows = applicable.map((found) => windowRefOf(found, facts.atMs));
    const limits = windows.map((window) => window.label);
    if (facts.overrideReason !== undefined) {
      return {
        action: 'send',
        check: { outcome: 'override', reservedNanoUsd: 0, limits, overrideReason: facts.overrideReason },
        settlement: { windows, reservedNanoUsd: 0 },
      };
    }
    if (windows.length === 0) return this.unavailable(limits, windows);
    const amount = this.bound(facts.model, facts.bodyText, facts.body, facts.atMs);
    const slot = reservationSlotOf(facts.atMs);
    const first = await this.attempt(windows, amount, slot);
    if (first.kind === 'fits') {
      return {
        action: 'send',
        check: { outcome: 'allowed', reservedNanoUsd: amount, limits },
        settlement: { windows, reservedNanoUsd: amount, slot },
      };
    }
    if (first.kind === 'unavailable') return this.unavailable(limits, windows);
    const target = first.window.budget.downgradeTo;
    if (target !== undefined && facts.canDowngrade && facts.body && target !== facts.model) {
      const text = withModel(facts.body, target);
      const cheaper = this.bound(target, text, { ...facts.body, model: target }, facts.atMs);
      const second = await this.attempt(windows, cheaper, slot);
      if (second.kind === 'fits') {
        return {
          action: 'send',
          check: {
            outcome: 'downgraded',
            reservedNanoUsd: cheaper,
            limits,
            limit: first.limit,
            downgradedFrom: facts.model,
          },
          settlement: { windows, reservedNanoUsd: cheaper, slot },
          downgradeTo: target,
        };
      }
      if (second.kind === 'refused') return this.refuse(limits, second);
    }
    return this.refuse(limits, first);
  }

  /** Settles a call to its exact cost on every window; resolves false when a write failed. Never rejects. */
  public settle(settlement: Settlement, exactNanoUsd: number): Promise<boolean> {
    const { windows, reservedNanoUsd, slot } = settlement;
    if (windows.length === 0 || (reservedNanoUsd === 0 && exactNanoUsd === 0)) return Promise.resolve(true);
    const signal = AbortSignal.timeout(Math.max(this.settings.timeoutMs, 2_000));
    return trackBudgetWork(
      Promise.all(
        windows.map((window) =>
          slot === undefined
            ? this.store.addSpend(window, exactNanoUsd, signal)
            : this.store.settle(window, reservedNanoUsd, slot, exactNanoUsd, signal),
        ),
      ).then(
        () => true,
        (error: unknown) => {
          reportMonitorFailure('budget settlement', error);
          return false;
        },
      ),
    );
  }

  private enforcedOf(runtime: BudgetConfig[]): BudgetConfig[] {
    return mergeBudgets(this.deployed, runtime).filter((budget) => modeOf(budget) === 'enforce');
  }

  private bound(
    model: string,
    text: string | undefined,
    body: Record<string, unknown> | undefined,
    atMs: number,
  ) {
    return costBound(model, text, body, this.prices(), new Date(atMs))?.nanoUsd ?? 0;
  }

  /** Reserves `amount` on every window at once; gives back what fitted when one did not. */
  private async attempt(windows: WindowRef[], amount: number, slot: number): Promise<Attempt> {
    try {
      await this.store.ready();
    } catch (error) {
      reportMonitorFailure('budget check', error);
      return { kind: 'unavailable' };
    }
    const signal = AbortSignal.timeout(this.settings.timeoutMs);
    const [reserved, marks] = await Promise.all([
      Promise.allSettled(windows.map((window) => this.store.reserve(window, amount, slot, signal))),
      Promise.allSettled(windows.map((window) => this.mark(window, slot, signal))),
    ]);
    const failed = [...reserved, ...marks].find((result) => result.status === 'rejected');
    const fitted = windows.filter((_, i) => {
      const result = reserved[i]!;
      return result.status === 'fulfilled' && result.value.ok;
    });
    const refusedAt = reserved.findIndex((result) => result.status === 'fulfilled' && !result.value.ok);
    if (failed === undefined && refusedAt === -1) return { kind: 'fits' };
    if (fitted.length > 0) this.giveBack(fitted, amount, slot);
    if (failed !== undefined) {
      reportMonitorFailure('budget check', (failed as PromiseRejectedResult).reason);
      return { kind: 'unavailable' };
    }
    const window = windows[refusedAt]!;
    const figures = (reserved[refusedAt] as PromiseFulfilledResult<ReserveResult & { ok: false }>).value
      .figures;
    return { kind: 'refused', window, limit: limitStateOf(window, figures) };
  }

  /**
   * Writes the window's marker for the minute once per process; calls checked at the same moment share the
   * one write in flight. A failed write is forgotten, so the next call writes it again.
   */
  private mark(window: WindowRef, slot: number, signal: AbortSignal): Promise<void> {
    const id = `${window.pk}|${window.sk}|${slot}`;
    const known = this.marks.get(id);
    if (known === true) return Promise.resolve();
    if (known) return known;
    if (this.marks.size > MAX_MARKS) this.marks.clear();
    const writing = this.store.markSlot(window, slot, this.settings.reservationTtlSeconds, signal).then(
      () => {
        this.marks.set(id, true);
      },
      (error: unknown) => {
        this.marks.delete(id);
        throw error;
      },
    );
    this.marks.set(id, writing);
    return writing;
  }

  private giveBack(windows: WindowRef[], amount: number, slot: number): void {
    const signal = AbortSignal.timeout(Math.max(this.settings.timeoutMs, 2_000));
    trackBudgetWork(
      Promise.all(windows.map((window) => this.store.release(window, amount, slot, signal))).catch(
        (error: unknown) => reportMonitorFailure('budget release', error),
      ),
    );
  }

  private refuse(limits: string[], refused: Attempt & { kind: 'refused' }): BudgetDecision {
    const signal = AbortSignal.timeout(Math.max(this.settings.timeoutMs, 2_000));
    trackBudgetWork(
      this.store
        .countRefusal(refused.window, signal)
        .catch((error: unknown) => reportMonitorFailure('budget refusal count', error)),
    );
    return {
      action: 'refuse',
      reason: 'exceeded',
      check: { outcome: 'refused', reservedNanoUsd: 0, limits, limit: refused.limit },
    };
  }

  private unavailable(limits: string[], windows: WindowRef[]): BudgetDecision {
    const check: BudgetCheck = { outcome: 'unavailable', reservedNanoUsd: 0, limits };
    if (this.settings.onUnavailable === 'closed') return { action: 'refuse', reason: 'unavailable', check };
    return { action: 'send', check, settlement: { windows, reservedNanoUsd: 0 } };
  }
}
