import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { type ApiDeps, createApp } from '../../../functions/api/app';
import { staticTokenSource } from '../../../functions/api/token-source';
import type { Json } from './expectations';

/** The clock every API test reads its windows from. */
export const NOW = new Date('2026-11-29T10:30:00.000Z');

/** The API app over a test table, with a fixed token and clock. */
export const createTestApp = (
  table: { client: DynamoDBClient; tableName: string },
  token: string,
  deps: Partial<ApiDeps> = {},
) =>
  createApp({
    client: table.client,
    tableName: table.tableName,
    token: staticTokenSource(token),
    now: () => NOW,
    ...deps,
  });

/** A GET with the bearer token, answered with its status and parsed JSON body. */
export const authorizedGet =
  (app: () => ReturnType<typeof createApp>, token: string) =>
  async (path: string): Promise<{ status: number; body: Record<string, Json> }> => {
    const response = await app().request(path, { headers: { authorization: `Bearer ${token}` } });
    return { status: response.status, body: (await response.json()) as Record<string, Json> };
  };
