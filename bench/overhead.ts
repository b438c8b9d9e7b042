import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { median, pairwiseDifferences, percentile } from '../functions/shared/stats';
import {
  CALL_MODE,
  type CallMode,
  CONFIGURATION,
  type Configuration,
  type ConfigurationName,
} from './configurations';
import { BenchVerificationError } from './errors';

export interface OverheadOptions {
  /** Timed rounds per mode; each round makes one call per configuration. @default 2000 */
  rounds?: number;
  /** Untimed rounds per mode before the timed ones. @default 300 */
  warmupRounds?: number;
  /** Rounds per simulated Lambda invocation; the monitored client flushes at the end of each. @default 1 */
  invocationRounds?: number;
  /** Calls per configuration in one heap measurement. @default 1000 */
  heapCalls?: number;
  /** Heap measurements per configuration (median taken). @default 3 */
  heapRepetitions?: number;
}

/** Latency of one configuration in one mode, and what it adds to the plain SDK in the same rounds. */
export interface ModeFigures {
  medianMs: number;
  p99Ms: number;
  /** Median over rounds of (this call − the plain call of the same round). */
  addedMedianMs: number;
  /** p99 of this configuration − p99 of the plain SDK. */
  addedP99Ms: number;
  /** This configuration's median ÷ the plain SDK's median. */
  medianRatio: number;
}

export interface OverheadFigures {
  byConfiguration: Record<
    ConfigurationName,
    Record<CallMode, ModeFigures> & { addedHeapKbPer1000Calls: number }
  >;
  flush: {
    medianMs: number;
    p99Ms: number;
    recordsPerFlush: number;
    flushes: number;
    /** Records every flush of the run stored, and records they could only log. */
    written: number;
    notWritten: number;
  };
  /** Calls made by the monitored client (every one must end up as a record). */
  monitoredCalls: number;
  /** Spans each tracing configuration finished during the timed rounds. */
  spans: Partial<Record<ConfigurationName, number>>;
}

/** `gc()` without starting Node with `--expose-gc`: the flag is switched on, then read from a fresh context. */
const collectGarbage = (): (() => void) => {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
};

const timeRounds = async (
  configurations: readonly Configuration[],
  mode: CallMode,
  rounds: number,
  invocationRounds: number,
  onInvocationEnd: () => Promise<void>,
): Promise<Map<ConfigurationName, number[]>> => {
  const samples = new Map(configurations.map((c) => [c.name, [] as number[]]));
  const n = configurations.length;
  for (let round = 0; round < rounds; round++) {
    // Rotating the order spreads whatever the previous call left behind (GC, sockets) over every configuration.
    for (let k = 0; k < n; k++) {
      const configuration = configurations[(round + k) % n]!;
      const start = performance.now();
      await configuration.call(mode);
      samples.get(configuration.name)!.push(performance.now() - start);
    }
    if ((round + 1) % invocationRounds === 0) await onInvocationEnd();
  }
  return samples;
};

const figuresOf = (samples: number[], plain: number[]): ModeFigures => {
  const plainMedian = median(plain);
  return {
    medianMs: median(samples),
    p99Ms: percentile(samples, 99),
    addedMedianMs: median(pairwiseDifferences(samples, plain)),
    addedP99Ms: percentile(samples, 99) - percentile(plain, 99),
    medianRatio: median(samples) / plainMedian,
  };
};

/**
 * Collects until what is left is really held: a second collection after a turn of the event loop also frees
 * what the first one only queued for finalisation (sockets, timers, weak references of the HTTP clients).
 */
const settledHeap = async (gc: () => void): Promise<number> => {
  gc();
  await new Promise((resolve) => setImmediate(resolve));
  gc();
  return process.memoryUsage().heapUsed;
};

/** Heap retained by `calls` calls of one configuration, after full collections, in bytes. */
const retainedHeap = async (configuration: Configuration, calls: number, gc: () => void): Promise<number> => {
  configuration.resetSpans?.();
  const before = await settledHeap(gc);
  for (let i = 0; i < calls; i++) await configuration.call(CALL_MODE.create);
  const retained = (await settledHeap(gc)) - before;
  // What an invocation holds until its end: the monitored client's buffer, the exporters' spans.
  configuration.resetSpans?.();
  return retained;
};

/**
 * Times every configuration against the same stub, interleaved in one process: one call per configuration
 * per round, in rotating order, for plain and streaming calls. Then measures retained heap per configuration.
 */
export const measureOverhead = async (
  configurations: readonly Configuration[],
  options: OverheadOptions = {},
): Promise<OverheadFigures> => {
  const rounds = options.rounds ?? 2_000;
  const warmupRounds = options.warmupRounds ?? 300;
  const invocationRounds = options.invocationRounds ?? 1;
  const heapCalls = options.heapCalls ?? 1_000;
  const heapRepetitions = options.heapRepetitions ?? 3;
  const monitored = configurations.find((c) => c.name === CONFIGURATION.monitored);
  if (!monitored?.flush) throw new BenchVerificationError(CONFIGURATION.monitored, 'has no flush');
  const flushMs: number[] = [];
  const flushed = { written: 0, notWritten: 0 };
  let timingFlushes = false;
  const endInvocation = async () => {
    const start = performance.now();
    const result = await monitored.flush!();
    if (timingFlushes) flushMs.push(performance.now() - start);
    flushed.written += result.written;
    flushed.notWritten += result.notWritten;
  };

  const byMode = new Map<CallMode, Map<ConfigurationName, number[]>>();
  const spans: Partial<Record<ConfigurationName, number>> = {};
  for (const mode of Object.values(CALL_MODE)) {
    timingFlushes = false;
    await timeRounds(configurations, mode, warmupRounds, invocationRounds, endInvocation);
    for (const c of configurations) c.resetSpans?.();
    timingFlushes = true;
    byMode.set(mode, await timeRounds(configurations, mode, rounds, invocationRounds, endInvocation));
    for (const c of configurations) {
      if (c.spans) spans[c.name] = (spans[c.name] ?? 0) + c.spans();
      c.resetSpans?.();
    }
    await endInvocation();
  }

  timingFlushes = false;
  const gc = collectGarbage();
  const heap = new Map(configurations.map((c) => [c.name, [] as number[]]));
  for (let repetition = 0; repetition < heapRepetitions; repetition++) {
    for (let k = 0; k < configurations.length; k++) {
      const configuration = configurations[(repetition + k) % configurations.length]!;
      heap.get(configuration.name)!.push(await retainedHeap(configuration, heapCalls, gc));
      if (configuration === monitored) await endInvocation();
    }
  }
  const plainHeap = median(heap.get(CONFIGURATION.plain)!);

  const plainOf = (mode: CallMode) => byMode.get(mode)!.get(CONFIGURATION.plain)!;
  const byConfiguration = Object.fromEntries(
    configurations.map((c) => [
      c.name,
      {
        create: figuresOf(byMode.get(CALL_MODE.create)!.get(c.name)!, plainOf(CALL_MODE.create)),
        stream: figuresOf(byMode.get(CALL_MODE.stream)!.get(c.name)!, plainOf(CALL_MODE.stream)),
        addedHeapKbPer1000Calls: ((median(heap.get(c.name)!) - plainHeap) / 1024) * (1_000 / heapCalls),
      },
    ]),
  ) as OverheadFigures['byConfiguration'];

  return {
    byConfiguration,
    flush: {
      medianMs: median(flushMs),
      p99Ms: percentile(flushMs, 99),
      recordsPerFlush: invocationRounds,
      flushes: flushMs.length,
      ...flushed,
    },
    monitoredCalls: 2 * (warmupRounds + rounds) + heapRepetitions * heapCalls,
    spans,
  };
};
