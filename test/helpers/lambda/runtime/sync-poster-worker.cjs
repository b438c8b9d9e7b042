'use strict';
// Worker thread of sync-poster.mjs: one POST per message, then wakes the waiting main thread.
const { request } = require('node:http');
const { parentPort, workerData } = require('node:worker_threads');

const DELIVERED = 1;
const FAILED = 2;
const flag = new Int32Array(workerData.flag);

const settle = (state) => {
  Atomics.store(flag, 0, state);
  Atomics.notify(flag, 0);
};

parentPort.on('message', ({ hostPort, path, body, headers }) => {
  const [hostname, port] = hostPort.split(':');
  const bytes = Buffer.from(body, 'utf8');
  const outgoing = request(
    {
      hostname,
      port: Number(port),
      path,
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'Content-Length': bytes.length, ...headers },
    },
    (response) => {
      response.resume();
      response.on('end', () => settle(DELIVERED));
      response.on('error', () => settle(FAILED));
    },
  );
  outgoing.on('error', () => settle(FAILED));
  outgoing.end(bytes);
});
