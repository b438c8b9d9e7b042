import {
  addCounters,
  COUNTER,
  histogramIndex,
  latencyBucketCounter,
  type RollupCounters,
} from 'claude-monitor/domain';
import { seededRandom } from './synthetic-history';

/** A change of traffic over some hours, to see whether and when detection finds it. */
export interface Spike {
  /** Hour index where it starts. */
  start: number;
  hours: number;
  /** Multiplies each call's cost. @default 1 */
  costFactor?: number;
  /** Replaces the error probability. */
  errorRate?: number;
  /** Multiplies each call's latency. @default 1 */
  latencyFactor?: number;
}

export interface TrafficOptions {
  hours: number;
  /** Mean calls in a busy weekday hour; nights and weekends get a third of it. */
  busyCalls: number;
  /** @default 0.02 */
  errorRate?: number;
  spikes?: readonly Spike[];
  seed: number;
}

/**
 * Hourly rollup counters of one scope with a weekly rhythm: Poisson arrivals, lognormal cost per call
 * (median $0.02, heavy tail) and latency (median 1.5 s), a steady error probability. Hour 0 is a Monday 00:00.
 */
export const hourlyTraffic = (options: TrafficOptions): RollupCounters[] => {
  const next = seededRandom(options.seed);
  const normal = () => Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next());
  const poisson = (lambda: number) => {
    const limit = Math.exp(-lambda);
    let k = 0;
    let p = next();
    while (p > limit) {
      k++;
      p *= next();
    }
    return k;
  };
  return Array.from({ length: options.hours }, (_, h) => {
    const day = Math.floor(h / 24) % 7;
    const hourOfDay = h % 24;
    const busy = day < 5 && hourOfDay >= 8 && hourOfDay < 20;
    const spike = options.spikes?.find((s) => h >= s.start && h < s.start + s.hours);
    const counters: RollupCounters = {};
    const calls = poisson(busy ? options.busyCalls : options.busyCalls / 3);
    for (let i = 0; i < calls; i++) {
      const failed = next() < (spike?.errorRate ?? options.errorRate ?? 0.02);
      const latency = Math.round(1_500 * Math.exp(0.5 * normal()) * (spike?.latencyFactor ?? 1));
      const cost = failed ? 0 : Math.round(20_000_000 * Math.exp(0.8 * normal()) * (spike?.costFactor ?? 1));
      addCounters(counters, {
        [COUNTER.calls]: 1,
        [failed ? COUNTER.errors : COUNTER.successes]: 1,
        [COUNTER.costNanoUsd]: cost,
        [latencyBucketCounter(histogramIndex(latency))]: 1,
      });
    }
    return counters;
  });
};
