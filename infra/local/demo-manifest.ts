import { join } from 'node:path';
import type Anthropic from '@anthropic-ai/sdk';
import { computeCost } from 'claude-monitor';
import type { CallRecord, TokenUsage } from 'claude-monitor/domain';
import type { ExpectedAlert } from './demo-plan';

/** Calls and cost of one group (a model, a session, a function). */
export interface GroupTotals {
  calls: number;
  costNanoUsd: number;
}

/**
 * What the demo sent, counted on the caller's side from the SDK's own responses, independently of the
 * monitor: the local stack's API must report the same figures.
 */
export interface DemoManifest {
  mode: 'stub' | 'anthropic';
  startedAt: string;
  finishedAt: string;
  calls: number;
  successes: number;
  errors: number;
  /** Sum of `computeCost` over the usage each successful response reported, nano-dollars. */
  costNanoUsd: number;
  inputTokens: number;
  outputTokens: number;
  cacheWrite5mTokens: number;
  cacheWrite1hTokens: number;
  cacheReadTokens: number;
  byModel: Record<string, GroupTotals>;
  bySession: Record<string, GroupTotals>;
  byFunction: Record<string, GroupTotals>;
  /** Failed calls by the HTTP status of their last attempt (refused calls have none and are not here). */
  errorsByStatus: Record<string, number>;
  /** Calls an enforced budget refused before they were sent (counted in `errors` too, at no cost). */
  refused: number;
  /**
   * Past calls the demo recorded for the anomaly's baseline, in the same hour of earlier weeks: outside the
   * last 24 hours, so not in the figures above (the hour judged for the anomaly is, as its calls are).
   */
  baseline: GroupTotals;
  expectedAlerts: ExpectedAlert[];
}

export const demoManifestFile = (dir: string): string => join(dir, 'demo-manifest.json');

/** A call as its provider bills it: when it started, where it ran, the model and the usage. */
export interface BillableCall {
  /** Start of the call, ISO 8601 (the day the monitor files it under). */
  at: string;
  platform: 'anthropic' | 'bedrock';
  model: string;
  usage: TokenUsage;
}

/** The SDK's usage as token counts. Written here rather than taken from the monitor, so the check is independent. */
export const usageOfResponse = (usage: Anthropic.Usage): TokenUsage => {
  const split = usage.cache_creation;
  const webSearch = usage.server_tool_use?.web_search_requests ?? 0;
  const webFetch = (usage.server_tool_use as { web_fetch_requests?: number } | null)?.web_fetch_requests ?? 0;
  return {
    inputTokens: usage.input_tokens,
    outputTokens: usage.output_tokens,
    cacheWrite5mTokens: split ? split.ephemeral_5m_input_tokens : (usage.cache_creation_input_tokens ?? 0),
    cacheWrite1hTokens: split ? split.ephemeral_1h_input_tokens : 0,
    cacheReadTokens: usage.cache_read_input_tokens ?? 0,
    webSearchRequests: webSearch,
    webFetchRequests: webFetch,
  };
};

const add = (groups: Record<string, GroupTotals>, key: string | undefined, cost: number): void => {
  if (key === undefined) return;
  const group = groups[key] ?? { calls: 0, costNanoUsd: 0 };
  groups[key] = { calls: group.calls + 1, costNanoUsd: group.costNanoUsd + cost };
};

/** Accumulates the manifest call by call. */
export class ManifestBuilder {
  private readonly manifest: DemoManifest;
  private readonly billable: BillableCall[] = [];

  public constructor(mode: DemoManifest['mode'], expectedAlerts: ExpectedAlert[]) {
    this.manifest = {
      mode,
      startedAt: new Date().toISOString(),
      finishedAt: '',
      calls: 0,
      successes: 0,
      errors: 0,
      costNanoUsd: 0,
      inputTokens: 0,
      outputTokens: 0,
      cacheWrite5mTokens: 0,
      cacheWrite1hTokens: 0,
      cacheReadTokens: 0,
      byModel: {},
      bySession: {},
      byFunction: {},
      errorsByStatus: {},
      refused: 0,
      baseline: { calls: 0, costNanoUsd: 0 },
      expectedAlerts,
    };
  }

  public success(
    message: Anthropic.Message,
    functionName: string,
    sessionId: string | undefined,
    billing: Pick<BillableCall, 'at' | 'platform'>,
  ): number {
    const usage = usageOfResponse(message.usage);
    const cost = computeCost(message.model, usage).totalNanoUsd;
    this.billable.push({ ...billing, model: message.model, usage });
    const m = this.manifest;
    m.calls += 1;
    m.successes += 1;
    m.costNanoUsd += cost;
    m.inputTokens += usage.inputTokens;
    m.outputTokens += usage.outputTokens;
    m.cacheWrite5mTokens += usage.cacheWrite5mTokens;
    m.cacheWrite1hTokens += usage.cacheWrite1hTokens;
    m.cacheReadTokens += usage.cacheReadTokens;
    add(m.byModel, message.model, cost);
    add(m.bySession, sessionId, cost);
    add(m.byFunction, functionName, cost);
    return cost;
  }

  public failure(model: string, status: number | undefined, functionName: string, sessionId?: string): void {
    const m = this.manifest;
    m.calls += 1;
    m.errors += 1;
    const key = String(status ?? 'none');
    m.errorsByStatus[key] = (m.errorsByStatus[key] ?? 0) + 1;
    add(m.byModel, model, 0);
    add(m.bySession, sessionId, 0);
    add(m.byFunction, functionName, 0);
  }

  /**
   * A successful call recorded with its own (past) timestamp rather than sent: counted and billed like the
   * calls sent, from its usage, independently of the cost the record carries.
   */
  public recorded(record: CallRecord): void {
    const usage = record.usage;
    const cost = computeCost(record.model, usage, { at: new Date(record.timestamp) }).totalNanoUsd;
    this.billable.push({ at: record.timestamp, platform: 'anthropic', model: record.model, usage });
    const m = this.manifest;
    m.calls += 1;
    m.successes += 1;
    m.costNanoUsd += cost;
    m.inputTokens += usage.inputTokens;
    m.outputTokens += usage.outputTokens;
    m.cacheWrite5mTokens += usage.cacheWrite5mTokens;
    m.cacheWrite1hTokens += usage.cacheWrite1hTokens;
    m.cacheReadTokens += usage.cacheReadTokens;
    add(m.byModel, record.model, cost);
    add(m.bySession, record.sessionId, cost);
    add(m.byFunction, record.functionName, cost);
  }

  /** Calls recorded for the anomaly's baseline, weeks ago: counted apart (see `DemoManifest.baseline`). */
  public baseline(records: readonly CallRecord[]): void {
    for (const record of records) {
      this.manifest.baseline.calls += 1;
      this.manifest.baseline.costNanoUsd += computeCost(record.model, record.usage, {
        at: new Date(record.timestamp),
      }).totalNanoUsd;
    }
  }

  /** What each successful call would be billed for, for the stand-in bills of the reconciliation. */
  public billableCalls(): readonly BillableCall[] {
    return this.billable;
  }

  /** A call an enforced budget refused: recorded as a failed call that cost nothing. */
  public refused(model: string, functionName: string, sessionId?: string): void {
    const m = this.manifest;
    m.calls += 1;
    m.errors += 1;
    m.refused += 1;
    add(m.byModel, model, 0);
    add(m.bySession, sessionId, 0);
    add(m.byFunction, functionName, 0);
  }

  public finish(): DemoManifest {
    return { ...this.manifest, finishedAt: new Date().toISOString() };
  }
}
