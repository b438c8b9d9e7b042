import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';

/**
 * A stand-in DynamoDB endpoint that takes `BatchWriteItem` requests and answers each only when the test says
 * so, with the documented success shape (`{"UnprocessedItems":{}}`). It plays the one thing DynamoDB Local
 * cannot be made to do on demand: a write that is received and not yet answered.
 * @see https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_BatchWriteItem.html#API_BatchWriteItem_ResponseSyntax
 */
export interface HeldDynamoDb {
  endpoint: string;
  /** Resolves once `count` requests have arrived. */
  received(count: number): Promise<void>;
  /** Answers every request held so far, and every later one at once. */
  release(): void;
  close(): Promise<void>;
}

export const startHeldDynamoDb = async (): Promise<HeldDynamoDb> => {
  const held: ServerResponse[] = [];
  const waiters: { count: number; resolve: () => void }[] = [];
  let arrived = 0;
  let released = false;
  const answer = (response: ServerResponse) => {
    if (response.destroyed) return;
    response.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' });
    response.end('{"UnprocessedItems":{}}');
  };
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    request.resume();
    request.on('end', () => {
      arrived++;
      for (const waiter of waiters.filter((w) => w.count <= arrived)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
      if (released) answer(response);
      else held.push(response);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    endpoint: `http://127.0.0.1:${port}`,
    received: (count) =>
      arrived >= count ? Promise.resolve() : new Promise((resolve) => waiters.push({ count, resolve })),
    release: () => {
      released = true;
      for (const response of held.splice(0)) answer(response);
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
};
