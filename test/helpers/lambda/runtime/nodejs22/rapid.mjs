/**
 * The Runtime API as the nodejs22.x runtime's code sees it (aws-lambda-ric 3.x, src/RAPIDClient.js): results
 * and errors are serialized here and handed on with a callback that runs once the post is done.
 */
import { toRapidResponse } from './errors.mjs';

const serialize = (body) => {
  try {
    return JSON.stringify(body === undefined ? null : body);
  } catch {
    throw new Error('Unable to stringify response body');
  }
};

export class RapidV3 {
  /** @param {import('../rapid-client.mjs').RapidClient} client */
  constructor(client) {
    this.client = client;
  }

  nextInvocation() {
    return this.client.nextInvocation();
  }

  postInvocationResponse(response, requestId, callback) {
    this.client.postInvocationResponse(requestId, serialize(response));
    callback();
  }

  postInvocationError(error, requestId, callback) {
    const body = toRapidResponse(error);
    this.client.postInvocationError(requestId, serialize(body), body.errorType);
    callback();
  }

  /** The process exits in `callback`, whether or not the post went through. */
  postInitError(error, callback) {
    const body = toRapidResponse(error);
    this.client.postInitError(serialize(body), body.errorType).then(callback, callback);
  }
}
