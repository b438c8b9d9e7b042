import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { APIGatewayRequestAuthorizerEventV2 } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TokenSourceError } from '../../../functions/api/errors';
import { secretTokenSource } from '../../../functions/api/token-source';
import { freePort } from '../../../infra/local/dynamodb-local';

const TOKEN = 'authorizer-test-token';
const SECRET_ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:api-token';

/** A loopback stand-in for Secrets Manager's GetSecretValue (JSON 1.1 protocol); counts what it serves. */
let server: Server;
let endpoint: string;
let secretString = TOKEN;
let served = 0;

beforeAll(async () => {
  server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => {
      body += chunk;
    });
    request.on('end', () => {
      const target = request.headers['x-amz-target'];
      if (target !== 'secretsmanager.GetSecretValue' || JSON.parse(body).SecretId !== SECRET_ARN) {
        response.writeHead(400, { 'content-type': 'application/x-amz-json-1.1' });
        response.end(JSON.stringify({ __type: 'ResourceNotFoundException', message: 'no such secret' }));
        return;
      }
      served++;
      response.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
      response.end(JSON.stringify({ ARN: SECRET_ARN, Name: 'api-token', SecretString: secretString }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

const client = (url = endpoint) =>
  new SecretsManagerClient({
    endpoint: url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });

const event = (overrides: Partial<APIGatewayRequestAuthorizerEventV2>): APIGatewayRequestAuthorizerEventV2 =>
  ({
    version: '2.0',
    type: 'REQUEST',
    routeArn: 'arn:aws:execute-api:us-east-1:123456789012:api/$default/GET/x',
    identitySource: [],
    routeKey: '$default',
    rawPath: '/api/monitoring/summary',
    rawQueryString: '',
    headers: {},
    ...overrides,
  }) as APIGatewayRequestAuthorizerEventV2;

describe('authorizer handler', () => {
  it('allows the right token from header, cookie or dashboard query, refuses the rest, and caches the secret', async () => {
    // Prepare: the handler reads its configuration at load time, as in Lambda.
    Object.assign(process.env, {
      CLAUDE_MONITOR_API_TOKEN_SECRET_ARN: SECRET_ARN,
      AWS_ENDPOINT_URL_SECRETS_MANAGER: endpoint,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
    });
    const { handler } = await import('../../../functions/api/authorizer');
    const before = served;
    const decide = async (e: APIGatewayRequestAuthorizerEventV2) =>
      ((await handler(e, {} as never, () => {})) as { isAuthorized: boolean }).isAuthorized;

    // Act
    const results = [
      await decide(event({ headers: { authorization: `Bearer ${TOKEN}` } })),
      await decide(event({ cookies: ['theme=dark', `cm_token=${TOKEN}`] })),
      await decide(
        event({ rawPath: '/dashboard/claude-monitoring/', queryStringParameters: { token: TOKEN } }),
      ),
      await decide(event({ queryStringParameters: { token: TOKEN } })),
      await decide(event({ headers: { authorization: 'Bearer wrong' } })),
      await decide(event({})),
    ];

    // Assess
    expect(results).toEqual([true, true, true, false, false, false]);
    expect(served - before).toBe(1);
  });
});

describe('secretTokenSource', () => {
  it('reuses the token until the TTL passes, then reads the secret again', async () => {
    // Prepare
    let now = 0;
    const source = secretTokenSource({
      client: client(),
      secretArn: SECRET_ARN,
      ttlMs: 1_000,
      now: () => now,
    });
    const before = served;

    // Act
    const first = await source();
    secretString = JSON.stringify({ token: 'rotated' });
    const cached = await source();
    now = 1_001;
    const refreshed = await source();
    secretString = TOKEN;

    // Assess
    expect([first, cached, refreshed]).toEqual([TOKEN, TOKEN, 'rotated']);
    expect(served - before).toBe(2);
  });

  it('fails with TokenSourceError when Secrets Manager cannot be reached', async () => {
    // Prepare: a loopback port nothing listens on.
    const port = await freePort();
    const source = secretTokenSource({ client: client(`http://127.0.0.1:${port}`), secretArn: SECRET_ARN });

    // Act
    const result = source();

    // Assess
    await expect(result).rejects.toBeInstanceOf(TokenSourceError);
  });
});
