import type { DayRange } from './days';
import { type ReconcileReport, reconcile } from './reconcile';
import { createReconcilerRuntime } from './runtime';

const deps = createReconcilerRuntime();

/**
 * Scheduled (daily by default) with an empty event: reconciles the last complete days. Invoked by hand with
 * `{ "from": "2026-11-01", "to": "2026-11-30" }` it reconciles that range (at most 31 days, today included).
 * A source that fails is recorded and reported, not thrown, so the schedule does not retry the whole run.
 */
export const handler = async (event: DayRange | null = {}): Promise<ReconcileReport> => {
  const { from, to } = event ?? {};
  return reconcile(deps, { ...(from === undefined ? {} : { from }), ...(to === undefined ? {} : { to }) });
};
