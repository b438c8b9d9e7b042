import type { BudgetConfig } from '../domain/budget';
import { reportMonitorFailure } from '../recorder/log-line';
import type { BudgetStore } from './budget-store';

/**
 * The run-time budgets (set through the API), read from the table at most once per `refreshMs` per process.
 * Only the first read waits (bounded by the check's timeout); later ones run in the background while calls
 * use what was read before, so a call never waits for them. A failed read keeps the last budgets known.
 */
export class RuntimeBudgets {
  private budgets: BudgetConfig[] = [];
  private loadedAt = Number.NEGATIVE_INFINITY;
  private loaded = false;
  private failed = false;
  private pending: Promise<void> | undefined;

  public constructor(
    private readonly store: BudgetStore,
    private readonly refreshMs: number,
    private readonly firstReadTimeoutMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** The budgets now, or a promise of them when none were read yet (the first call of a process). */
  public current(): BudgetConfig[] | Promise<BudgetConfig[]> {
    if (this.refreshMs === 0) return this.budgets;
    if (this.now() - this.loadedAt >= this.refreshMs) this.refresh();
    if (this.loaded || !this.pending) return this.budgets;
    return this.pending.then(() => this.budgets);
  }

  /** True while no read has ever succeeded and the last one failed: the run-time budgets are unknown. */
  public unknown(): boolean {
    return this.refreshMs > 0 && !this.loaded && this.failed;
  }

  /** Drops what was read, so the next call reads again (tests, and after a change made in this process). */
  public invalidate(): void {
    this.loadedAt = Number.NEGATIVE_INFINITY;
  }

  private refresh(): void {
    if (this.pending) return;
    // Calls wait for the first read only; a background refresh may take longer.
    const signal = AbortSignal.timeout(this.loaded ? 10_000 : this.firstReadTimeoutMs);
    this.pending = this.store
      .loadDefinitions(signal)
      .then(
        (budgets) => {
          this.budgets = budgets;
          this.loaded = true;
          this.failed = false;
          this.loadedAt = this.now();
        },
        (error: unknown) => {
          reportMonitorFailure('budget definitions', error);
          this.failed = true;
          // Try again on the next call rather than at once, and with the budgets known so far.
          this.loadedAt = this.now() - this.refreshMs + Math.min(this.refreshMs, 5_000);
        },
      )
      .finally(() => {
        this.pending = undefined;
      });
  }
}
