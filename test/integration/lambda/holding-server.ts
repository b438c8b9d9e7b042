import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** An HTTP server on loopback that holds every request until the test answers it. */
export interface HoldingServer {
  readonly url: string;
  /** Resolves once a request has arrived. */
  received(): Promise<void>;
  /** Answers every held request with `body`. */
  answerAll(body: string): void;
  close(): Promise<void>;
}

export const startHoldingServer = async (): Promise<HoldingServer> => {
  const held: ServerResponse[] = [];
  const waiters: (() => void)[] = [];
  const server = createServer((request, response) => {
    request.resume();
    held.push(response);
    for (const wake of waiters.splice(0)) wake();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    received: () => (held.length > 0 ? Promise.resolve() : new Promise((resolve) => waiters.push(resolve))),
    answerAll: (body) => {
      for (const response of held.splice(0)) response.end(body);
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
};
