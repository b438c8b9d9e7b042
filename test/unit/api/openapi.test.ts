import { readFile } from 'node:fs/promises';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { createApp } from '../../../functions/api/app';
import { buildOpenApi, openApiPath } from '../../../functions/api/openapi';
import { ROUTES } from '../../../functions/api/routes';
import { staticTokenSource } from '../../../functions/api/token-source';

const documented = async () =>
  JSON.parse(await readFile(new URL('../../../docs/openapi.json', import.meta.url), 'utf8')) as ReturnType<
    typeof buildOpenApi
  >;

describe('docs/openapi.json', () => {
  it('is the document generated from the route table (regenerate with functions/api/write-openapi.ts)', async () => {
    // Act
    const doc = await documented();

    // Assess
    expect(doc).toEqual(JSON.parse(JSON.stringify(buildOpenApi())));
  });

  it('lists exactly the routes the app serves, with the query parameters each reads', async () => {
    // Prepare: the app is built but never sends a request, so the client needs no endpoint.
    const app = createApp({
      client: new DynamoDBClient({ region: 'us-east-1' }),
      tableName: 't',
      token: staticTokenSource('x'),
    });

    // Act
    const doc = await documented();
    const served = app.routes.filter((r) => r.method === 'GET').map((r) => openApiPath(r.path));

    // Assess
    expect(new Set(served)).toEqual(new Set(Object.keys(doc.paths)));
    for (const route of Object.values(ROUTES)) {
      const operation = (
        doc.paths as Record<string, { get: { parameters: { name: string; in: string }[] } }>
      )[openApiPath(route.path)]!.get;
      const query = operation.parameters.filter((p) => p.in === 'query').map((p) => p.name);
      expect(query).toEqual([...route.query]);
    }
  });
});
