import { type CallRecord, EMPTY_USAGE } from 'claude-monitor/domain';
import { SESSION_ROLLUP_MARKS } from './ledger';

/**
 * The workload mix the write-cost figures are measured on, and why each figure is what it is. Costs depend on
 * how many distinct rollup keys one stream batch touches, so the mix follows how Claude is called in
 * production rather than spreading calls evenly:
 *
 * - sessions are agent loops or conversations: a geometric number of calls (mean 12, at most 60), one every
 *   3 to 15 seconds (a model answer plus a tool step or a user turn), so a session has one call in a
 *   5-second stream batch and a few in a 30-second one;
 * - users and tenants are skewed (Zipf, s = 1): a few heavy tenants, a long tail of small ones;
 * - 8 functions (services) with skewed traffic;
 * - models: 60 % Sonnet, 30 % Haiku, 10 % Opus, the typical mix the dollar figures price;
 * - 2 % of calls fail (half overloaded, half rate limited); 30 % of calls stream (time to first token).
 *
 * A stream batch holds what arrives within the batching window (30 s by default), at most the batch size and
 * what fits in Lambda's 6 MB payload, so the records per batch follow from the call rate:
 * `RATE_SCENARIOS` measures a busy and a steady rate (`bench/stream-batch.ts` sizes their batches).
 */
export const WORKLOAD_MIX = {
  meanSessionCalls: 12,
  maxSessionCalls: 60,
  callGapSeconds: [3, 15],
  users: 2_000,
  tenants: 40,
  functions: 8,
  models: [
    { model: 'claude-sonnet-4-6', share: 0.6, inputNanoUsd: 3_000, outputNanoUsd: 15_000 },
    { model: 'claude-haiku-4-5', share: 0.3, inputNanoUsd: 1_000, outputNanoUsd: 5_000 },
    { model: 'claude-opus-4-8', share: 0.1, inputNanoUsd: 5_000, outputNanoUsd: 25_000 },
  ],
  errorShare: 0.02,
  streamShare: 0.3,
} as const;

/**
 * Call rates measured, and how many stream batches of each are measured: enough for stable per-call figures
 * (each batch of the mix touches about as many keys as the next) while the run stays within minutes on
 * DynamoDB Local.
 */
export const RATE_SCENARIOS = {
  /** 200 calls/s or more: batches end at Lambda's payload limit before the default window does. */
  busy: { callsPerSecond: 200, batches: 2 },
  /** 4 calls/s (about 10 million calls a month): the window closes each batch. */
  steady: { callsPerSecond: 4, batches: 10 },
} as const;
export type RateScenario = keyof typeof RATE_SCENARIOS;

/** Deterministic pseudo-random numbers (mulberry32), so every run measures the same workload. */
const seeded = (seed: number): (() => number) => {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
};

/** Index drawn from a Zipf distribution (s = 1) over `n` values. */
const zipf = (random: () => number, n: number): number => {
  const harmonic = Math.log(n) + 0.5772156649;
  let target = random() * harmonic;
  for (let k = 1; k <= n; k++) {
    target -= 1 / k;
    if (target <= 0) return k - 1;
  }
  return n - 1;
};

const pick = <T extends { share: number }>(random: () => number, options: readonly T[]): T => {
  let target = random();
  for (const option of options) {
    target -= option.share;
    if (target <= 0) return option;
  }
  return options[options.length - 1]!;
};

/** A user's tenant: fixed per user, skewed so a few tenants hold most users. */
const tenantOf = (user: number): number => zipf(seeded(1_000 + user), WORKLOAD_MIX.tenants);

const START_MS = Date.UTC(2026, 10, 29, 10, 0, 0);

interface PlannedCall {
  atMs: number;
  session: number;
  user: number;
  fn: number;
}

/**
 * Sessions starting at a steady rate, each with its calls spaced by the call gap. Sessions also start before
 * the measured window (a warm-up as long as the longest session), so the window sees the steady mix of new
 * and running sessions a live system has, not a cold start.
 */
const planCalls = (random: () => number, calls: number, callsPerSecond: number): PlannedCall[] => {
  const mix = WORKLOAD_MIX;
  const [low, high] = mix.callGapSeconds;
  const durationMs = (calls / callsPerSecond) * 1_000;
  const warmUpMs = mix.maxSessionCalls * high * 1_000;
  const planned: PlannedCall[] = [];
  for (let session = 0; planned.length < calls * 1.05; session++) {
    const user = zipf(random, mix.users);
    const fn = zipf(random, mix.functions);
    let atMs = START_MS - warmUpMs + random() * (warmUpMs + durationMs);
    let length = 1;
    while (length < mix.maxSessionCalls && random() > 1 / mix.meanSessionCalls) length++;
    for (let i = 0; i < length; i++) {
      if (atMs >= START_MS && atMs < START_MS + durationMs) planned.push({ atMs, session, user, fn });
      atMs += (low + random() * (high - low)) * 1_000;
    }
  }
  return planned.sort((a, b) => a.atMs - b.atMs).slice(0, calls);
};

/** Distinct values of each rollup dimension that the calls of one bucket of the mix touch. */
export interface KeysInBucket {
  calls: number;
  session: number;
  user: number;
  tenant: number;
  function: number;
  model: number;
  all: number;
  /**
   * Calls past the `SESSION_ROLLUP_MARKS`-th of their session in the bucket: marked in minute entries, as
   * their session's hour rollup is full by then (hours only).
   */
  pastSessionMarks: number;
}

const HOUR_MS = 3_600_000;

/**
 * How many rollup keys of each dimension one hour and one day of the mix at `callsPerSecond` create: a
 * live table creates each rollup, and so writes its group-by index entry, once per bucket. The hour is
 * planned as `realisticWorkload` plans its calls (sessions running into it from before included); the day is
 * bounded from above by the whole population (every user, tenant, function and model calls that day) and
 * holds `callsPerSecond` × 86,400 calls. Sessions have hour rollups only. The planned hour starts on the
 * hour, so a session's calls in it are its calls in one hour rollup.
 */
export const keysPerBucket = (
  callsPerSecond: number,
  seed = 16,
): { hour: KeysInBucket; day: KeysInBucket } => {
  const calls = Math.round((callsPerSecond * HOUR_MS) / 1_000);
  const planned = planCalls(seeded(seed), calls, callsPerSecond);
  const distinct = (of: (call: PlannedCall) => number): number => new Set(planned.map(of)).size;
  const sessionCalls = new Map<number, number>();
  let pastSessionMarks = 0;
  for (const call of planned) {
    const count = (sessionCalls.get(call.session) ?? 0) + 1;
    sessionCalls.set(call.session, count);
    if (count > SESSION_ROLLUP_MARKS) pastSessionMarks++;
  }
  const mix = WORKLOAD_MIX;
  return {
    hour: {
      calls: planned.length,
      session: distinct((call) => call.session),
      user: distinct((call) => call.user),
      tenant: distinct((call) => tenantOf(call.user)),
      function: distinct((call) => call.fn),
      model: mix.models.length,
      all: 1,
      pastSessionMarks,
    },
    day: {
      calls: calls * 24,
      session: 0,
      user: mix.users,
      tenant: mix.tenants,
      function: mix.functions,
      model: mix.models.length,
      all: 1,
      pastSessionMarks: 0,
    },
  };
};

/**
 * `calls` call records of the realistic mix arriving at `callsPerSecond`, in arrival order (the order the
 * stream delivers them). The same arguments always give the same records.
 */
export const realisticWorkload = (calls: number, callsPerSecond: number, seed = 16): CallRecord[] => {
  const random = seeded(seed);
  const mix = WORKLOAD_MIX;
  return planCalls(random, calls, callsPerSecond).map((call, i) => {
    const { model, inputNanoUsd, outputNanoUsd } = pick(random, mix.models);
    const failed = random() < mix.errorShare;
    const streamed = random() < mix.streamShare;
    const inputTokens = 500 + Math.floor(random() * 6_000);
    const outputTokens = 50 + Math.floor(random() * 1_500);
    const inputCost = inputTokens * inputNanoUsd;
    const outputCost = outputTokens * outputNanoUsd;
    const latencyMs = 400 + Math.floor(random() * random() * 30_000);
    return {
      callId: `realistic-${seed}-${i}`,
      timestamp: new Date(call.atMs).toISOString(),
      operation: streamed ? 'stream' : 'create',
      beta: false,
      provider: 'anthropic',
      requestedModel: model,
      model,
      status: failed ? 'error' : 'success',
      ...(failed
        ? { errorType: i % 2 === 0 ? ('overloaded' as const) : ('rate_limit' as const), httpStatus: 529 }
        : {}),
      usage: failed ? { ...EMPTY_USAGE } : { ...EMPTY_USAGE, inputTokens, outputTokens },
      cost: {
        inputNanoUsd: failed ? 0 : inputCost,
        outputNanoUsd: failed ? 0 : outputCost,
        cacheWrite5mNanoUsd: 0,
        cacheWrite1hNanoUsd: 0,
        cacheReadNanoUsd: 0,
        webSearchNanoUsd: 0,
        totalNanoUsd: failed ? 0 : inputCost + outputCost,
        priced: true,
        priceVersion: 'bench',
        modifiers: [],
      },
      latencyMs,
      ...(streamed && !failed ? { ttftMs: 200 + Math.floor(random() * 2_000) } : {}),
      attempts: 1,
      sessionId: `session-${call.session}`,
      userId: `user-${call.user}`,
      tenantId: `tenant-${tenantOf(call.user)}`,
      functionName: `fn-${call.fn}`,
    };
  });
};
