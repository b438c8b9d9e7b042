import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import { httpApiEvent } from '../../helpers/api-event';
import { createTestTable } from '../../helpers/dynamodb';
import { generateCalls, seedThroughPipeline } from '../../helpers/seed';

const TOKEN = 'lambda-handler-token';

type Handler = (
  event: APIGatewayProxyEventV2,
  context: Context,
) => Promise<APIGatewayProxyStructuredResultV2>;
let handler: Handler;
let seeded: number;

beforeAll(async () => {
  const table = await createTestTable('api-lambda');
  const now = Date.now();
  const records = generateCalls({ count: 30, startMs: now - 3_600_000, endMs: now - 1_000 });
  seeded = records.length;
  await seedThroughPipeline(table, records);
  // The handler reads its configuration at cold start, as in Lambda.
  Object.assign(process.env, {
    CLAUDE_MONITOR_TABLE: table.tableName,
    CLAUDE_MONITOR_DYNAMODB_ENDPOINT: table.endpoint,
    CLAUDE_MONITOR_API_TOKEN: TOKEN,
    AWS_REGION: 'us-east-1',
    POWERTOOLS_LOG_LEVEL: 'SILENT',
  });
  ({ handler } = (await import('../../../functions/api/handler')) as unknown as { handler: Handler });
}, 300_000);

describe('Lambda handler (HTTP API payload v2)', () => {
  it('answers an authenticated summary from the table', async () => {
    // Act
    const result = await handler(
      httpApiEvent('/api/monitoring/summary', 'hours=3', { authorization: `Bearer ${TOKEN}` }),
      {} as Context,
    );

    // Assess
    expect(result.statusCode).toBe(200);
    expect(JSON.parse(result.body!).total_calls).toBe(seeded);
  });

  it('refuses a request without the token', async () => {
    // Act
    const result = await handler(httpApiEvent('/api/monitoring/summary'), {} as Context);

    // Assess
    expect(result.statusCode).toBe(401);
  });

  it('sets a Secure cookie for the dashboard, since API Gateway is https', async () => {
    // Act
    const result = await handler(
      httpApiEvent('/dashboard/claude-monitoring/', `token=${TOKEN}`),
      {} as Context,
    );

    // Assess
    expect(result.statusCode).toBe(303);
    const cookies = [...(result.cookies ?? []), String(result.headers?.['set-cookie'] ?? '')].join('\n');
    expect(cookies).toContain('HttpOnly');
    expect(cookies).toContain('Secure');
  });
});
