import { Runtime } from 'aws-cdk-lib/aws-lambda';

/** The Lambda runtimes the layer supports and declares: the Node.js runtimes Lambda supports today. */
export const LAYER_RUNTIMES: readonly Runtime[] = [Runtime.NODEJS_22_X, Runtime.NODEJS_24_X];

/** Why a runtime the layer does not support is refused, for the error `attach()` raises. */
export const unsupportedRuntimeReason = (runtimeName: string): string => {
  const supported = LAYER_RUNTIMES.map((runtime) => runtime.name).join(' and ');
  if (/^nodejs(1\d|20)\.x$/.test(runtimeName)) {
    return `${runtimeName} is deprecated by Lambda, which blocks updates of its functions (nodejs20.x since 2026-09-30); move the function to ${supported}`;
  }
  if (runtimeName.startsWith('nodejs'))
    return `${runtimeName} is not supported yet; the layer runs on ${supported}`;
  return `the layer is a Node.js layer: it runs on ${supported}, not on ${runtimeName}`;
};
