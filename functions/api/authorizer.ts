import type { APIGatewayRequestSimpleAuthorizerHandlerV2 } from 'aws-lambda';
import { isAuthorized, TOKEN_QUERY } from './auth';
import { tokenSourceFromEnv } from './deps-from-env';
import { isDashboardPage } from './routes';

const tokenSource = tokenSourceFromEnv();

/**
 * API Gateway HTTP API Lambda authorizer (payload v2, simple responses): the same check as the app's own,
 * with the token read from Secrets Manager and kept in memory for a few minutes. A token that cannot be
 * loaded denies the request.
 */
export const handler: APIGatewayRequestSimpleAuthorizerHandlerV2 = async (event) => {
  try {
    const expected = await tokenSource();
    const page = isDashboardPage(event.rawPath);
    const isAuthorizedRequest = isAuthorized(
      {
        authorization: event.headers?.authorization,
        cookies: event.cookies,
        queryToken: page ? event.queryStringParameters?.[TOKEN_QUERY] : undefined,
      },
      expected,
    );
    return { isAuthorized: isAuthorizedRequest };
  } catch (error) {
    console.error(JSON.stringify({ message: 'authorizer failed', error: (error as Error).message }));
    return { isAuthorized: false };
  }
};
