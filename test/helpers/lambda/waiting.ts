/**
 * Small waiting tools of the environment: a promise resolved from outside, and a race against a timer that
 * never outlives the race.
 */
import { setTimeout as delay } from 'node:timers/promises';

/** A promise and the function that resolves it. */
export interface Deferred {
  readonly promise: Promise<void>;
  resolve(): void;
}

export const deferred = (): Deferred => {
  let resolve!: () => void;
  const promise = new Promise<void>((done) => {
    resolve = done;
  });
  return { promise, resolve };
};

/** Whichever comes first: the work, or `ms` elapsing; the timer is cleared either way. */
export const raceWithTimer = async <T>(work: Promise<T>, ms: number): Promise<T | 'timeout'> => {
  const timer = new AbortController();
  try {
    return await Promise.race([work, delay(Math.max(ms, 0), 'timeout' as const, { signal: timer.signal })]);
  } finally {
    timer.abort();
  }
};
