import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { LocalStackError } from './local-stack-errors';

export interface LocalSecrets {
  /** Loopback endpoint for the Secrets Manager client (`CLAUDE_MONITOR_SECRETS_ENDPOINT`). */
  readonly endpoint: string;
  /** Stores a secret; returns its ARN. */
  put(name: string, value: string): string;
  /** GetSecretValue requests answered so far. */
  served(): number;
  stop(): Promise<void>;
}

const ACCOUNT = '000000000000';
const REGION = 'us-east-1';

/**
 * A loopback stand-in for Secrets Manager that answers `GetSecretValue` (JSON 1.1 protocol) with the
 * documented response shape (https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_GetSecretValue.html),
 * and `ResourceNotFoundException` for an unknown secret. The real SDK client talks to it.
 */
export const startLocalSecrets = async (): Promise<LocalSecrets> => {
  const secrets = new Map<string, { arn: string; name: string; value: string }>();
  let served = 0;
  const server: Server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => {
      body += chunk;
    });
    request.on('end', () => {
      const reply = (status: number, payload: unknown) => {
        response.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' });
        response.end(JSON.stringify(payload));
      };
      let id: unknown;
      try {
        id = (JSON.parse(body) as { SecretId?: unknown }).SecretId;
      } catch {
        id = undefined;
      }
      const secret =
        typeof id === 'string'
          ? (secrets.get(id) ?? [...secrets.values()].find((s) => s.arn === id))
          : undefined;
      if (request.headers['x-amz-target'] !== 'secretsmanager.GetSecretValue' || !secret) {
        reply(400, {
          __type: 'ResourceNotFoundException',
          message: "Secrets Manager can't find the specified secret.",
        });
        return;
      }
      served++;
      reply(200, {
        ARN: secret.arn,
        Name: secret.name,
        SecretString: secret.value,
        VersionId: 'local-version',
        VersionStages: ['AWSCURRENT'],
        CreatedDate: Math.floor(Date.now() / 1000),
      });
    });
  });
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', resolve);
    });
  } catch (cause) {
    throw new LocalStackError('the local Secrets Manager stand-in could not start', { cause });
  }
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    put: (name, value) => {
      const arn = `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:${name}-local0`;
      secrets.set(name, { arn, name, value });
      return arn;
    },
    served: () => served,
    stop: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
};
