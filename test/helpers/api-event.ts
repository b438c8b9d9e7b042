import type { APIGatewayProxyEventV2 } from 'aws-lambda';

/** A GET request as API Gateway (HTTP API, payload v2) hands it to a function. */
export const httpApiEvent = (
  rawPath: string,
  rawQueryString = '',
  headers: Record<string, string> = {},
): APIGatewayProxyEventV2 =>
  ({
    version: '2.0',
    routeKey: '$default',
    rawPath,
    rawQueryString,
    headers: { host: 'abc.execute-api.us-east-1.amazonaws.com', ...headers },
    isBase64Encoded: false,
    requestContext: {
      accountId: '123456789012',
      apiId: 'abc',
      domainName: 'abc.execute-api.us-east-1.amazonaws.com',
      domainPrefix: 'abc',
      http: { method: 'GET', path: rawPath, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'test' },
      requestId: 'r1',
      routeKey: '$default',
      stage: '$default',
      time: '29/Nov/2026:10:30:00 +0000',
      timeEpoch: 0,
    },
  }) as APIGatewayProxyEventV2;
