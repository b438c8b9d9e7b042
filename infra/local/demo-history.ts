import { computeCost } from 'claude-monitor';
import { type CallRecord, EMPTY_USAGE, type TokenUsage } from 'claude-monitor/domain';
import { BASELINE_WEEKS } from '../../functions/insights/anomaly-alerts';
import { DEMO_MODELS, SPIKING_FUNCTION, STEADY_FUNCTION } from './demo-plan';

const HOUR_MS = 3_600_000;
const WEEK_MS = 7 * 24 * HOUR_MS;

/**
 * Calls per hour, model and tokens per call. The anomaly detector judges an hour with at least 30 calls
 * against the same hour of the previous weeks: `invoice-ocr` (30 Haiku calls, $0.048 an hour) spends ten
 * times its usual in the judged hour ($0.48, score 36 against a threshold of 6), while the account, with
 * `ticket-triage` steady (5 Sonnet calls, $0.40 an hour), goes from $0.448 to $0.88 (score 3.9) and is not
 * an anomaly. Few calls, so that a restart re-reading the whole stream stays quick; no call reaches a
 * long-context tier, so every hour is priced at the same rates.
 */
const STEADY = { calls: 5, model: DEMO_MODELS.sonnet, usage: { inputTokens: 20_000, outputTokens: 4_000 } };
const SPIKING = { calls: 30, model: DEMO_MODELS.haiku, usage: { inputTokens: 8_000, outputTokens: 1_600 } };
const SPIKE_FACTOR = 10;

/** Past traffic written with its own timestamps, as the layer records calls. */
export interface DemoHistory {
  /** Start of the hour the insights job judges (the last complete one at `runAtMs`), epoch ms. */
  judgedHourMs: number;
  /** When the demo runs the insights job, as the hourly schedule would run it. */
  runAtMs: number;
  /** Calls in the judged hour: inside the last 24 hours, so they count in the demo's totals and bill. */
  recent: CallRecord[];
  /** Calls in the same hour of the previous weeks: the baseline. */
  baseline: CallRecord[];
}

const scaled = (usage: Pick<TokenUsage, 'inputTokens' | 'outputTokens'>, factor: number): TokenUsage => ({
  ...EMPTY_USAGE,
  inputTokens: usage.inputTokens * factor,
  outputTokens: usage.outputTokens * factor,
});

/** One hour of one function: successful calls a minute apart, priced by the price table. */
const hourOf = (
  runId: string,
  functionName: string,
  hourMs: number,
  plan: { calls: number; model: string },
  usage: TokenUsage,
): CallRecord[] =>
  Array.from({ length: plan.calls }, (_, i) => {
    const timestamp = new Date(hourMs + i * 60_000 + 7_000).toISOString();
    const model = plan.model;
    return {
      callId: `demo-history-${runId}-${functionName}-${timestamp}`,
      timestamp,
      operation: 'create',
      beta: false,
      provider: 'anthropic',
      requestedModel: model,
      model,
      status: 'success',
      usage,
      cost: computeCost(model, usage, { at: new Date(timestamp) }),
      // The same spread of latencies every hour: the p95 stays ordinary, only the spend stands out.
      latencyMs: 600 + (i % 10) * 40,
      attempts: 1,
      functionName,
      tags: ['demo-history'],
    };
  });

/**
 * The past traffic the demo's anomaly needs: `BASELINE_WEEKS` weeks of the same hour of the week for two
 * functions, and that hour this week (the last complete hour) with `invoice-ocr` spending ten times as
 * much. `runId` keeps the calls of two demo runs apart, so a second run adds calls instead of rewriting
 * the first run's.
 */
export const demoHistory = (nowMs: number, runId: string): DemoHistory => {
  const judgedHourMs = Math.floor(nowMs / HOUR_MS) * HOUR_MS - HOUR_MS;
  const week = (weeksAgo: number, spikeFactor: number): CallRecord[] => {
    const hourMs = judgedHourMs - weeksAgo * WEEK_MS;
    return [
      ...hourOf(runId, STEADY_FUNCTION, hourMs, STEADY, scaled(STEADY.usage, 1)),
      ...hourOf(runId, SPIKING_FUNCTION, hourMs, SPIKING, scaled(SPIKING.usage, spikeFactor)),
    ];
  };
  return {
    judgedHourMs,
    runAtMs: nowMs,
    recent: week(0, SPIKE_FACTOR),
    baseline: Array.from({ length: BASELINE_WEEKS }, (_, k) => week(k + 1, 1)).flat(),
  };
};
