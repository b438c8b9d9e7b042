import { describe, expect, it } from 'vitest';
import { attemptMark } from '../../../layers/claude-monitor/src/intercept/retry-policy';
import { classifyRequest } from '../../../layers/claude-monitor/src/intercept/targets';

const headers =
  (values: Record<string, string>) =>
  (name: string): string | undefined =>
    values[name];
const ANTHROPIC = headers({ 'anthropic-version': '2023-06-01' });
const NONE = headers({});

describe('classifyRequest', () => {
  it.each([
    [
      'POST',
      'https://api.anthropic.com/v1/messages',
      ANTHROPIC,
      { kind: 'messages', provider: 'anthropic', beta: false },
    ],
    ['POST', 'https://api.anthropic.com/v1/messages?beta=true', ANTHROPIC, { kind: 'messages', beta: true }],
    ['POST', 'http://127.0.0.1:9/proxy/v1/messages', ANTHROPIC, { kind: 'messages', provider: 'anthropic' }],
    [
      'POST',
      'https://bedrock-runtime.us-east-1.amazonaws.com/model/us.anthropic.claude-sonnet-4-5-20250929-v1%3A0/invoke',
      NONE,
      {
        kind: 'bedrock_invoke',
        provider: 'bedrock',
        urlModel: 'us.anthropic.claude-sonnet-4-5-20250929-v1:0',
      },
    ],
    [
      'POST',
      'https://bedrock-runtime.eu-west-1.amazonaws.com/model/anthropic.claude-haiku-4-5-20251001-v1%3A0/converse-stream',
      NONE,
      { kind: 'bedrock_converse', streamEndpoint: true },
    ],
    [
      'POST',
      'https://us-east5-aiplatform.googleapis.com/v1/projects/p/locations/us-east5/publishers/anthropic/models/claude-sonnet-4-5@20250929:streamRawPredict',
      NONE,
      { kind: 'messages', provider: 'vertex', streamEndpoint: true, urlModel: 'claude-sonnet-4-5@20250929' },
    ],
    [
      'GET',
      'https://api.anthropic.com/v1/messages/batches/msgbatch_1/results',
      NONE,
      { kind: 'batch_results', batchId: 'msgbatch_1' },
    ],
  ])('recognises %s %s', (method, url, header, expected) => {
    // Act
    const target = classifyRequest({ method, url, header });
    // Assess
    expect(target).toMatchObject(expected);
  });

  it.each([
    ['POST', 'https://api.anthropic.com/v1/messages/count_tokens', ANTHROPIC],
    ['POST', 'https://example.com/v1/messages', NONE],
    ['GET', 'https://api.anthropic.com/v1/messages', ANTHROPIC],
    [
      'POST',
      'https://bedrock-runtime.us-east-1.amazonaws.com/model/meta.llama3-70b-instruct-v1%3A0/converse',
      NONE,
    ],
    ['POST', 'https://dynamodb.us-east-1.amazonaws.com/', NONE],
    ['POST', 'not a url', ANTHROPIC],
  ])('leaves %s %s alone', (method, url, header) => {
    // Act
    const target = classifyRequest({ method, url, header });
    // Assess
    expect(target).toBeUndefined();
  });

  it('marks an application inference profile for a check of its body', () => {
    // Act
    const target = classifyRequest({
      method: 'POST',
      url: 'https://bedrock-runtime.us-east-1.amazonaws.com/model/arn%3Aaws%3Abedrock%3Aus-east-1%3A123456789012%3Aapplication-inference-profile%2Fabc/invoke',
      header: NONE,
    });
    // Assess
    expect(target).toMatchObject({ kind: 'bedrock_invoke', confirmByBody: true });
  });
});

describe('attemptMark', () => {
  it('reads the Anthropic SDK retry count and the AWS SDK attempt, limit and invocation id', () => {
    // Act
    const stainless = attemptMark(headers({ 'x-stainless-retry-count': '2' }));
    const aws = attemptMark(
      headers({ 'amz-sdk-request': 'attempt=3; max=3', 'amz-sdk-invocation-id': 'inv-1' }),
    );
    const none = attemptMark(NONE);
    // Assess
    expect(stainless).toEqual({ retry: 2 });
    expect(aws).toEqual({ retry: 2, maxAttempts: 3, invocationId: 'inv-1' });
    expect(none).toEqual({ retry: 0 });
  });
});
