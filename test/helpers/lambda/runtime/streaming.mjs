/**
 * The `awslambda` global's streaming parts. `awslambda.streamifyResponse` marks a handler the way both runtime
 * generations do, so that code calling it at load time works; running a streaming handler is not emulated:
 * the runtime refuses it at init with `LambdaHarness.ResponseStreamingNotEmulated`.
 */
export const HANDLER_STREAMING = Symbol.for('aws.lambda.runtime.handler.streaming');
export const HANDLER_HIGHWATERMARK = Symbol.for('aws.lambda.runtime.handler.streaming.highWaterMark');
export const STREAM_RESPONSE = 'response';

export class ResponseStreamingNotEmulated extends Error {
  constructor() {
    super('response streaming handlers (awslambda.streamifyResponse) are not emulated by the test harness');
    this.name = 'LambdaHarness.ResponseStreamingNotEmulated';
  }
}

export const streamifyResponse = (handler, options) => {
  handler[HANDLER_STREAMING] = STREAM_RESPONSE;
  if (typeof options?.highWaterMark === 'number') {
    handler[HANDLER_HIGHWATERMARK] = Number.parseInt(String(options.highWaterMark), 10);
  }
  return handler;
};

export class HttpResponseStream {
  static from() {
    throw new ResponseStreamingNotEmulated();
  }
}

/** Whether `AWS_LAMBDA_NODEJS_NO_GLOBAL_AWSLAMBDA` asks for no `awslambda` global. */
export const noGlobalAwsLambda = () =>
  ['1', 'true'].includes(process.env.AWS_LAMBDA_NODEJS_NO_GLOBAL_AWSLAMBDA ?? '');
