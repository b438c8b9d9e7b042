/**
 * Posts to the Runtime API while the calling thread waits, as the managed runtime's native client does for
 * invocation results: no JavaScript of the function runs between the end of the handler and the moment the
 * Runtime API has the result. A worker thread does the HTTP exchange; the main thread sleeps on a shared flag.
 */
import { readFileSync } from 'node:fs';
import { Worker } from 'node:worker_threads';

const PENDING = 0;
const DELIVERED = 1;

export class SyncPoster {
  constructor() {
    this.flag = new Int32Array(new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT));
    const source = readFileSync(new URL('./sync-poster-worker.cjs', import.meta.url), 'utf8');
    this.worker = new Worker(source, { eval: true, workerData: { flag: this.flag.buffer } });
    // The thread must not keep the event loop alive: the nodejs22.x runtime relies on `beforeExit`.
    this.worker.unref();
  }

  /**
   * Sends one POST and returns once its answer has arrived (or the connection failed).
   * @returns whether the Runtime API answered at all; its status is ignored, as the native client does
   */
  post(hostPort, path, body, headers) {
    Atomics.store(this.flag, 0, PENDING);
    this.worker.postMessage({ hostPort, path, body, headers });
    Atomics.wait(this.flag, 0, PENDING);
    return Atomics.load(this.flag, 0) === DELIVERED;
  }
}
