/**
 * Record building (pricing, attribution caps, ids) runs just after the caller has its result rather than
 * before, so it overlaps the caller's next wait instead of adding to the call's latency. Anything that reads
 * records (`flush()`, a memory sink) drains the queue first, so nothing is ever missed.
 */
const QUEUE_KEY = Symbol.for('claude-monitor.deferred');
const global = globalThis as { [QUEUE_KEY]?: { tasks: (() => void)[]; scheduled: boolean } };
global[QUEUE_KEY] ??= { tasks: [], scheduled: false };
const queue = global[QUEUE_KEY];

/** Runs every deferred task now. Tasks must not throw (each is guarded by its creator). */
export const drainDeferred = (): void => {
  queue.scheduled = false;
  const tasks = queue.tasks.splice(0);
  for (const task of tasks) task();
};

export const defer = (task: () => void): void => {
  queue.tasks.push(task);
  if (!queue.scheduled) {
    queue.scheduled = true;
    setImmediate(drainDeferred);
  }
};
