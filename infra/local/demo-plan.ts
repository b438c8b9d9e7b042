import type { Attribution, BudgetConfig } from 'claude-monitor/domain';
import type { StubReply, StubUsage } from './anthropic-stub';
import { LOCAL_API_KEYS } from './local-reconciliation';

/** Current models of the price table the demo spreads its calls over. */
export const DEMO_MODELS = {
  opus: 'claude-opus-5-5',
  sonnet: 'claude-sonnet-5-5',
  haiku: 'claude-haiku-5-5',
  /** Claude Sonnet 4.5 through Bedrock's US geographic profile (regional rate). */
  bedrock: 'us.anthropic.claude-sonnet-4-5-20250929-v1:0',
} as const;

/** The model the demo's bill charges 5% above list price: a deliberate mismatch for the reconciliation. */
export const SURCHARGED_MODEL = DEMO_MODELS.opus;
export const SURCHARGE_PERCENT = 5;

/** One Claude call of the demo. */
export interface DemoCall {
  model: string;
  /** `messages.stream()` when true, else `messages.create()`. */
  stream: boolean;
  prompt: string;
  /** Marks the system prompt for prompt caching, as an application with a long shared prompt would. */
  cacheSystemPrompt?: boolean;
  /**
   * What the local Messages API answers, one reply per HTTP attempt: with two replies the SDK retries once.
   * Absent against the real API.
   */
  replies?: StubReply[];
  /** Per-call attribution on top of the invocation's. */
  attribution?: Attribution;
  /** @default 300 */
  maxTokens?: number;
  /**
   * Where the call goes: the Claude API, or Bedrock (the monitored `AnthropicBedrock` client).
   * @default 'anthropic'
   */
  platform?: 'anthropic' | 'bedrock';
}

/** One simulated Lambda invocation: the function it runs in, its attribution and its calls. */
export interface DemoInvocation {
  functionName: string;
  attribution?: Attribution;
  calls: DemoCall[];
}

/** What the plan is meant to trigger: the alerts the stack must print, once each. */
export interface ExpectedAlert {
  rule: string;
  scope: string;
}

export interface DemoPlan {
  invocations: DemoInvocation[];
  /**
   * Calls another team makes with its own key and a plain client, never recorded by the monitor: the bill
   * shows them as unmonitored spend.
   */
  unmonitored: DemoCall[];
  expectedAlerts: ExpectedAlert[];
}

const ok = (usage: StubUsage, text?: string): StubReply => ({
  kind: 'message',
  usage,
  eventDelayMs: 15,
  ...(text ? { text } : {}),
});
const fail = (status: number): StubReply => ({ kind: 'error', status });

const SYSTEM_TOKENS = 1_800;
const REPLY_TEXT = 'Here is a short answer from the local Messages API, streamed word by word to the client.';

/** A support conversation: the first turn writes the shared prompt to the cache, later turns read it. */
const conversation = (
  sessionId: string,
  userId: string,
  tenantId: string,
  model: string,
  turns: [number, number][],
  stream: (turn: number) => boolean,
): DemoInvocation[] =>
  turns.map(([input, output], turn) => ({
    functionName: 'support-chat',
    // Turns alternate between two prompt variants, so the compare route has an A/B test to show.
    attribution: {
      sessionId,
      userId,
      tenantId,
      tags: ['support', turn % 2 === 0 ? 'variant:control' : 'variant:new-prompt'],
    },
    calls: [
      {
        model,
        stream: stream(turn),
        prompt: `Turn ${turn + 1}: my invoice looks wrong, what should I check?`,
        cacheSystemPrompt: true,
        replies: [
          ok(
            turn === 0
              ? { input_tokens: input, output_tokens: output, cache_5m_tokens: SYSTEM_TOKENS }
              : { input_tokens: input, output_tokens: output, cache_read_input_tokens: SYSTEM_TOKENS },
            REPLY_TEXT,
          ),
        ],
      },
    ],
  }));

/** The session whose cost crosses the local stack's $1 session alert (4 x $0.32 on Opus 5.5). */
export const COSTLY_SESSION = 'sess-research-042';
/** The function whose five failed calls in a row trigger the consecutive-errors alert. */
export const FAILING_FUNCTION = 'nightly-report';

/** The function whose spend in the last hour is ten times its usual: the demo's anomaly (demo-history.ts). */
export const SPIKING_FUNCTION = 'invoice-ocr';
/** A function with the same steady traffic every week: it keeps the account's own figures ordinary. */
export const STEADY_FUNCTION = 'ticket-triage';

/** The tenant whose enforced daily budget runs out mid-demo: its later calls are refused before they are sent. */
export const BUDGET_TENANT = 'umbrella';

/**
 * The local stack's budgets: $0.10 a day for the demo's budget tenant, enforced. Each of its agent's steps
 * reserves about $0.035 (a 12 KB prompt and 1,000 output tokens at Sonnet 5.5's prices) and costs $0.014, so
 * five steps fit and the sixth and seventh are refused.
 */
export const LOCAL_BUDGETS: BudgetConfig[] = [
  { scope: 'tenant', id: BUDGET_TENANT, period: 'day', usd: 0.1, mode: 'enforce' },
];

/** The agent's document: long enough that its reservation covers the usage the local API reports. */
const CONTRACT_PART =
  'Read the next part of the vendor contract and list every clause that changes a price. '.repeat(140);

/**
 * Traffic against the local Messages API: three models, seven users in three tenants, five sessions,
 * streamed and plain calls, 5-minute and 1-hour cache writes and cache reads, web search, a 429 retried to
 * success, a 529, one session over its cost threshold, five failures in a row in one function, and a tenant
 * whose enforced budget runs out. The failures alternate between models so that only the function's streak
 * reaches five.
 */
export const stubPlan = (): DemoPlan => ({
  invocations: [
    ...conversation(
      'sess-support-001',
      'alice',
      'acme',
      DEMO_MODELS.sonnet,
      [
        [350, 220],
        [420, 180],
        [510, 260],
      ],
      () => true,
    ),
    ...conversation(
      'sess-support-002',
      'bob',
      'acme',
      DEMO_MODELS.haiku,
      [
        [300, 150],
        [380, 120],
        [440, 200],
      ],
      () => false,
    ),
    ...conversation(
      'sess-support-003',
      'carol',
      'globex',
      DEMO_MODELS.sonnet,
      [
        [280, 240],
        [330, 310],
      ],
      (t) => t % 2 === 0,
    ),
    {
      functionName: 'doc-summarizer',
      attribution: { sessionId: 'sess-docs-007', userId: 'dave', tenantId: 'initech', tags: ['batch-docs'] },
      calls: [
        {
          model: DEMO_MODELS.opus,
          stream: false,
          prompt: 'Summarise the attached 40-page contract.',
          cacheSystemPrompt: true,
          replies: [ok({ input_tokens: 900, output_tokens: 700, cache_1h_tokens: 6_000 })],
        },
        {
          model: DEMO_MODELS.opus,
          stream: true,
          prompt: 'Now list the termination clauses.',
          cacheSystemPrompt: true,
          replies: [
            ok({ input_tokens: 450, output_tokens: 520, cache_read_input_tokens: 6_000 }, REPLY_TEXT),
          ],
        },
        {
          model: DEMO_MODELS.sonnet,
          stream: false,
          prompt: 'Check the current statutory notice periods on the web.',
          replies: [ok({ input_tokens: 1_200, output_tokens: 400, web_search_requests: 2 })],
        },
      ],
    },
    {
      functionName: 'code-review',
      attribution: { userId: 'erin', tenantId: 'globex', tags: ['ci'] },
      calls: [
        {
          model: DEMO_MODELS.sonnet,
          stream: false,
          prompt: 'Review this diff for concurrency bugs.',
          replies: [fail(429), ok({ input_tokens: 2_400, output_tokens: 650 })],
        },
        { model: DEMO_MODELS.haiku, stream: false, prompt: 'Label this pull request.', replies: [fail(529)] },
        {
          model: DEMO_MODELS.haiku,
          stream: true,
          prompt: 'Label this pull request.',
          replies: [ok({ input_tokens: 210, output_tokens: 30 }, REPLY_TEXT)],
        },
      ],
    },
    {
      functionName: 'research-agent',
      attribution: { sessionId: COSTLY_SESSION, userId: 'frank', tenantId: 'initech', tags: ['agent'] },
      calls: [1, 2, 3, 4].map((step) => ({
        model: DEMO_MODELS.opus,
        stream: step % 2 === 0,
        prompt: `Research step ${step}: read the next batch of filings and update the notes.`,
        replies: [ok({ input_tokens: 60_000, output_tokens: 4_000 }, REPLY_TEXT)],
      })),
    },
    {
      functionName: FAILING_FUNCTION,
      attribution: { userId: 'scheduler', tenantId: 'acme', tags: ['cron'] },
      calls: [
        ...[fail(500), fail(529), fail(429), fail(500), fail(529)].map((reply, i) => ({
          model: i % 2 === 0 ? DEMO_MODELS.sonnet : DEMO_MODELS.haiku,
          stream: false,
          prompt: `Build the nightly usage report, part ${i + 1}.`,
          replies: [reply],
        })),
      ],
    },
    {
      functionName: FAILING_FUNCTION,
      attribution: { userId: 'scheduler', tenantId: 'acme', tags: ['cron'] },
      calls: [
        {
          model: DEMO_MODELS.sonnet,
          stream: false,
          prompt: 'Build the nightly usage report, second try.',
          replies: [ok({ input_tokens: 1_500, output_tokens: 900 })],
        },
      ],
    },
    {
      functionName: 'contract-review',
      attribution: { userId: 'grace', tenantId: 'globex', tags: ['bedrock'] },
      calls: [
        {
          model: DEMO_MODELS.bedrock,
          platform: 'bedrock',
          stream: false,
          prompt: 'Compare this contract with our standard terms.',
          replies: [ok({ input_tokens: 3_200, output_tokens: 850, cache_read_input_tokens: 12_000 })],
        },
        {
          model: DEMO_MODELS.bedrock,
          platform: 'bedrock',
          stream: true,
          prompt: 'List the clauses that differ.',
          replies: [ok({ input_tokens: 1_100, output_tokens: 420 }, REPLY_TEXT)],
        },
      ],
    },
    // An agent of the budget tenant, one step per invocation: five steps fit its budget, two are refused.
    ...[1, 2, 3, 4, 5, 6, 7].map((step) => ({
      functionName: 'contract-agent',
      attribution: {
        sessionId: 'sess-contracts-013',
        userId: 'ivan',
        tenantId: BUDGET_TENANT,
        tags: ['agent'],
      },
      calls: [
        {
          model: DEMO_MODELS.sonnet,
          stream: false,
          prompt: `Step ${step}. ${CONTRACT_PART}`,
          maxTokens: 1_000,
          replies: [ok({ input_tokens: 3_000, output_tokens: 800 })],
        },
      ],
    })),
  ],
  unmonitored: [1, 2, 3].map((part) => ({
    model: DEMO_MODELS.sonnet,
    stream: false,
    prompt: `Nightly batch job, part ${part}: classify yesterday's tickets.`,
    replies: [ok({ input_tokens: 40_000, output_tokens: 8_000 })],
  })),
  expectedAlerts: [
    { rule: 'session-cost', scope: `session:${COSTLY_SESSION}` },
    { rule: 'consecutive-errors', scope: `function:${FAILING_FUNCTION}` },
    // The bill charges Opus 5.5 5% above list price; the batch job's key never went through the monitor.
    { rule: 'reconciliation-difference', scope: 'anthropic' },
    { rule: 'unmonitored-spend', scope: `api_key:${LOCAL_API_KEYS.unmonitored.id}` },
    { rule: 'budget-refused', scope: `tenant:${BUDGET_TENANT}` },
    // Fired by the insights job the demo runs once, from the past calls it records (demo-history.ts).
    { rule: 'anomaly', scope: `function:${SPIKING_FUNCTION}` },
  ],
});

/**
 * A few cents' worth of traffic against the real API: a plain call, a streamed one, a session, and a call
 * the API refuses (an error without cost). Too little to cross any alert threshold.
 */
export const livePlan = (model: string): DemoPlan => ({
  invocations: [
    {
      functionName: 'support-chat',
      attribution: { sessionId: 'sess-live-001', userId: 'alice', tenantId: 'acme' },
      calls: [
        { model, stream: false, prompt: 'In one sentence: what is prompt caching?' },
        { model, stream: true, prompt: 'In one sentence: why record the cost of every call?' },
      ],
    },
    {
      functionName: 'code-review',
      attribution: { userId: 'erin', tenantId: 'globex' },
      calls: [
        { model, stream: false, prompt: 'Reply with the word ok.' },
        // max_tokens 0 is refused with a 400: an error that costs nothing.
        { model, stream: false, prompt: 'This call is refused.', maxTokens: 0 },
      ],
    },
  ],
  unmonitored: [],
  expectedAlerts: [],
});
