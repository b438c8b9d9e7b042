import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { type ApiDeps, createApp } from './app';
import { depsFromEnv } from './deps-from-env';
import { staticTokenSource } from './token-source';

export interface ServeApiOptions {
  /** Port to listen on; 0 picks a free one. */
  port: number;
  /** Only loopback is ever served. @default '127.0.0.1' */
  host?: '127.0.0.1' | '::1';
  /** Token to accept; the environment's (`CLAUDE_MONITOR_API_TOKEN`) when omitted. */
  token?: string;
  /** Overrides of the dependencies read from the environment. */
  deps?: Partial<ApiDeps>;
}

export interface LocalApi {
  /** e.g. `http://127.0.0.1:8787` */
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

/** Serves the same app as the Lambda handler over plain Node HTTP, for the local stack and tests. */
export const serveApi = async (options: ServeApiOptions): Promise<LocalApi> => {
  const host = options.host ?? '127.0.0.1';
  const given = options.deps ?? {};
  const token = given.token ?? (options.token ? staticTokenSource(options.token) : undefined);
  // Tests hand in a client and table; the local stack configures everything through the environment.
  const deps: ApiDeps =
    given.client && given.tableName && token
      ? { ...given, client: given.client, tableName: given.tableName, token }
      : { ...depsFromEnv(), ...given, ...(token ? { token } : {}) };
  const app = createApp(deps);
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: app.fetch, port: options.port, hostname: host }, (info: AddressInfo) => {
      const url = `http://${host === '::1' ? '[::1]' : host}:${info.port}`;
      resolve({
        url,
        port: info.port,
        close: () =>
          new Promise<void>((done, fail) => {
            server.close((error) => (error ? fail(error) : done()));
          }),
      });
    });
    server.once('error', reject);
  });
};
