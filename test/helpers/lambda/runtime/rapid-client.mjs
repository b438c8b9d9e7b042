/**
 * Client of the Lambda Runtime API (https://docs.aws.amazon.com/lambda/latest/dg/runtimes-api.html) with the
 * managed runtime's behaviour: `next` is asynchronous; invocation results are posted synchronously and their
 * HTTP status is ignored; an init error is posted asynchronously. Bodies arrive already serialized: each
 * runtime generation serializes (and fails to serialize) in its own way.
 */
import { Agent, request } from 'node:http';

const API = '/2018-06-01/runtime';
const ERROR_TYPE_HEADER = 'Lambda-Runtime-Function-Error-Type';

export class RapidClient {
  /**
   * @param {string} hostPort `AWS_LAMBDA_RUNTIME_API`
   * @param {import('./sync-poster.mjs').SyncPoster} poster
   */
  constructor(hostPort, poster) {
    const [hostname, port] = hostPort.split(':');
    this.hostPort = hostPort;
    this.hostname = hostname;
    this.port = Number(port);
    this.poster = poster;
    this.agent = new Agent({ keepAlive: true, maxSockets: 1 });
  }

  /** @returns {Promise<{ bodyJson: string; headers: Record<string, string> }>} */
  nextInvocation() {
    return new Promise((resolve, reject) => {
      const outgoing = request(
        { hostname: this.hostname, port: this.port, path: `${API}/invocation/next`, agent: this.agent },
        (response) => {
          let bodyJson = '';
          response.setEncoding('utf8');
          response.on('data', (chunk) => {
            bodyJson += chunk;
          });
          response.on('end', () => resolve({ bodyJson, headers: response.headers }));
          response.on('error', reject);
        },
      );
      outgoing.on('error', reject);
      outgoing.end();
    });
  }

  postInvocationResponse(requestId, body) {
    this.poster.post(this.hostPort, `${API}/invocation/${encodeURIComponent(requestId)}/response`, body, {});
  }

  postInvocationError(requestId, body, errorType) {
    this.poster.post(this.hostPort, `${API}/invocation/${encodeURIComponent(requestId)}/error`, body, {
      [ERROR_TYPE_HEADER]: errorType,
    });
  }

  /** @returns {Promise<void>} settles once the Runtime API has answered */
  postInitError(body, errorType) {
    const bytes = Buffer.from(body, 'utf8');
    return new Promise((resolve, reject) => {
      const outgoing = request(
        {
          hostname: this.hostname,
          port: this.port,
          path: `${API}/init/error`,
          method: 'POST',
          agent: this.agent,
          headers: {
            'Content-Type': 'application/json',
            'Content-Length': bytes.length,
            [ERROR_TYPE_HEADER]: errorType,
          },
        },
        (response) => {
          response.resume();
          response.on('end', resolve);
          response.on('error', reject);
        },
      );
      outgoing.on('error', reject);
      outgoing.end(bytes);
    });
  }
}
