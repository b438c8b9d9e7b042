import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { createDynamoClient } from 'claude-monitor/aws';
import { DEFAULT_RETENTION_DAYS, ENV, readPositiveInt, readRequired } from 'claude-monitor/domain';
import { deployedBudgets } from '../shared/budget-definitions';
import type { ApiDeps } from './app';
import { secretTokenSource, staticTokenSource, type TokenSource } from './token-source';

/**
 * The token source the environment names: the Secrets Manager secret in AWS, else the plain token (local
 * stack). Neither set is a configuration error, never an open API.
 */
export const tokenSourceFromEnv = (env: NodeJS.ProcessEnv = process.env): TokenSource => {
  const secretArn = env[ENV.apiTokenSecretArn]?.trim();
  if (secretArn) return secretTokenSource({ client: new SecretsManagerClient({}), secretArn });
  return staticTokenSource(readRequired(env, ENV.apiToken));
};

/** App dependencies from the environment, read once at cold start. */
export const depsFromEnv = (env: NodeJS.ProcessEnv = process.env): ApiDeps => {
  const origin = env[ENV.dashboardOrigin]?.trim();
  return {
    client: createDynamoClient(env),
    tableName: readRequired(env, ENV.tableName),
    token: tokenSourceFromEnv(env),
    retentionDays: readPositiveInt(env, ENV.retentionDays, DEFAULT_RETENTION_DAYS),
    budgets: deployedBudgets(env),
    ...(origin ? { dashboardOrigin: origin } : {}),
  };
};
