import { AnthropicBedrock } from '@anthropic-ai/bedrock-sdk';
import Anthropic from '@anthropic-ai/sdk';
import { describe, expect, it } from 'vitest';
import {
  BudgetExceededError,
  BudgetUnavailableError,
} from '../../../layers/claude-monitor/src/budget/errors';
import { refusalBody, refusalResponse } from '../../../layers/claude-monitor/src/budget/refusal-response';
import { hasStatusErrorHook, hookBudgetErrors } from '../../../layers/claude-monitor/src/budget/sdk-errors';
import type { BudgetCheck } from '../../../layers/claude-monitor/src/domain/call-record';

const CHECK: BudgetCheck = {
  outcome: 'refused',
  reservedNanoUsd: 0,
  limits: ['tenant:acme/day'],
  limit: {
    scope: 'tenant',
    value: 'acme',
    period: 'day',
    window: '2026-12-01',
    limitNanoUsd: 10_000_000_000,
    spentNanoUsd: 9_990_000_000,
    reservedNanoUsd: 5_000_000,
    resetsAt: '2026-12-02T00:00:00.000Z',
  },
};

type MakeStatusError = (
  status: number,
  error: unknown,
  message: string | undefined,
  headers: Headers,
) => unknown;
const makeStatusError = (client: object): MakeStatusError =>
  (client as { makeStatusError: MakeStatusError }).makeStatusError.bind(client);

describe('the reach into the SDK: makeStatusError (checked against @anthropic-ai/sdk 1.14.0)', () => {
  it('exists with the shape the budget errors rely on, on Anthropic and AnthropicBedrock clients', () => {
    // Prepare
    const clients = [
      new Anthropic({ apiKey: 'sk-ant-test' }),
      new AnthropicBedrock({ awsRegion: 'us-east-1', awsAccessKey: 'a', awsSecretKey: 'b' }),
    ];

    // Act
    const shapes = clients.map((client) => ({
      hook: hasStatusErrorHook(client),
      made: makeStatusError(client)(429, refusalBody('exceeded', CHECK), undefined, new Headers()),
    }));

    // Assess: if this fails, the SDK changed how it builds status errors; see budget/sdk-errors.ts.
    for (const { hook, made } of shapes) {
      expect(hook).toBe(true);
      expect(made).toBeInstanceOf(Anthropic.RateLimitError);
      expect((made as InstanceType<typeof Anthropic.APIError>).status).toBe(429);
    }
  });

  it('turns the monitor’s own refusal into BudgetExceededError on the client’s RateLimitError, with the figures', async () => {
    // Prepare
    const client = new Anthropic({ apiKey: 'sk-ant-test' });
    hookBudgetErrors(client);
    const response = refusalResponse('exceeded', CHECK);

    // Act
    const error = makeStatusError(client)(429, await response.json(), undefined, response.headers);

    // Assess
    expect(error).toBeInstanceOf(BudgetExceededError);
    expect(error).toBeInstanceOf(Anthropic.RateLimitError);
    expect(error).not.toBeInstanceOf(BudgetUnavailableError);
    expect(error).toMatchObject({
      name: 'BudgetExceededError',
      status: 429,
      type: 'budget_exceeded_error',
      scope: 'tenant',
      scopeId: 'acme',
      period: 'day',
      window: '2026-12-01',
      limitUsd: 10,
      spentUsd: 9.99,
      reservedUsd: 0.005,
      resetsAt: new Date('2026-12-02T00:00:00.000Z'),
    });
    expect(String(error)).toContain('daily budget of tenant acme ($10.00) has no room for this call');
  });

  it('leaves every other error exactly as the SDK makes it', () => {
    // Prepare
    const client = new Anthropic({ apiKey: 'sk-ant-test' });
    hookBudgetErrors(client);
    const body = { type: 'error', error: { type: 'rate_limit_error', message: 'slow down' } };

    // Act
    const error = makeStatusError(client)(429, body, undefined, new Headers({ 'request-id': 'req_1' }));

    // Assess
    expect(error).toBeInstanceOf(Anthropic.RateLimitError);
    expect(error).not.toBeInstanceOf(BudgetExceededError);
    expect(error).toMatchObject({ name: 'RateLimitError', requestID: 'req_1' });
  });

  it('answers a fail-closed refusal with a 503 the SDK does not retry', async () => {
    // Prepare
    const client = new Anthropic({ apiKey: 'sk-ant-test' });
    hookBudgetErrors(client);
    const response = refusalResponse('unavailable', {
      outcome: 'unavailable',
      reservedNanoUsd: 0,
      limits: [],
    });

    // Act
    const error = makeStatusError(client)(503, await response.json(), undefined, response.headers);

    // Assess
    expect(response.headers.get('x-should-retry')).toBe('false');
    expect(error).toBeInstanceOf(BudgetUnavailableError);
    expect(error).toBeInstanceOf(Anthropic.APIError);
    expect(error).toMatchObject({
      name: 'BudgetUnavailableError',
      status: 503,
      type: 'budget_unavailable_error',
    });
  });
});
