/** True for what Lambda code writes for CloudWatch only: EMF metric documents and Powertools' empty-metrics notice. */
export const isMetricsOutput = (text: string): boolean =>
  text.startsWith('{"_aws":') || text.includes('No application metrics to publish');

type Write = (chunk: unknown, ...rest: unknown[]) => boolean;

/**
 * Drops metrics output from a stream. In AWS it goes to CloudWatch; on a local console it would bury the
 * alerts and the demo's progress. Everything else passes through unchanged.
 */
export const hideMetricsOutput = (stream: NodeJS.WriteStream): void => {
  const target = stream as unknown as { write: Write };
  const write: Write = target.write.bind(stream);
  target.write = (chunk, ...rest) => {
    const text = typeof chunk === 'string' ? chunk : Buffer.isBuffer(chunk) ? chunk.toString('utf8') : '';
    if (!isMetricsOutput(text)) return write(chunk, ...rest);
    const done = rest.find((arg): arg is () => void => typeof arg === 'function');
    done?.();
    return true;
  };
};
