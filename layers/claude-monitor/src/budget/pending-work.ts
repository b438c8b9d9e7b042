/**
 * Budget writes that finish after the caller has its answer (settlements, reservations given back, refusal
 * counts), process-wide. `flush()` waits for them, within its deadline, before Lambda may freeze the
 * environment: a settlement left hanging would keep its reservation until the sweep released it.
 */
const STATE_KEY = Symbol.for('claude-monitor.budget-pending-work');
const global = globalThis as { [STATE_KEY]?: Set<Promise<unknown>> };
global[STATE_KEY] ??= new Set();
const pending = global[STATE_KEY];

/** Tracks `work` until it settles; it must not reject (each piece reports its own failure). */
export const trackBudgetWork = <T>(work: Promise<T>): Promise<T> => {
  pending.add(work);
  void work.finally(() => pending.delete(work));
  return work;
};

/** Resolves once every tracked piece of work is done, or at `deadline` (epoch ms). */
export const budgetWorkDone = async (deadline: number): Promise<void> => {
  while (pending.size > 0) {
    const wait = deadline - Date.now();
    if (wait <= 0) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.allSettled([...pending]),
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, wait);
        timer.unref();
      }),
    ]);
    clearTimeout(timer);
  }
};
