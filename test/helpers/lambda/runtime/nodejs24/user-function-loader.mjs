/**
 * Loads the handler named by `_HANDLER` as the nodejs24.x runtime does (aws-lambda-ric 4.x,
 * dist/function/*.js and dist/utils/handler-path.js):
 * - `..` anywhere in the handler string is refused; an absolute module root (`/opt/...`) is allowed;
 * - every candidate is loaded with `import()`, in the order extensionless, `.js`, `.mjs`, `.cjs`, then
 *   `require.resolve(module, { paths: [appRoot, appRoot/moduleRoot] })`;
 * - the handler is looked up by dots in the module namespace, then in its `default` export;
 * - a handler declaring three or more parameters (callback style) is refused unless it streams.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { HANDLER_HIGHWATERMARK, HANDLER_STREAMING, STREAM_RESPONSE } from '../streaming.mjs';
import {
  CallbackHandlerDeprecatedError,
  HandlerNotFoundError,
  ImportModuleError,
  MalformedHandlerNameError,
  MalformedStreamingHandler,
  UserCodeSyntaxError,
} from './errors.mjs';

// The runtime ships as one bundled /var/runtime/index.mjs; resolving from there keeps error messages the same.
const runtimeRequire = createRequire(new URL('../index.mjs', import.meta.url));

const MODULE_AND_HANDLER = /^([^.]*)\.(.*)$/;
const EXTENSION_ORDER = ['', '.js', '.mjs', '.cjs'];

const CALLBACK_ERROR_NODEJS22 =
  'ERROR: AWS Lambda does not support callback-based function handlers when using Node.js 22 with Managed Instances. To use Managed Instances, modify this function to use a supported handler signature. For more information see https://docs.aws.amazon.com/lambda/latest/dg/nodejs-handler.html.';
const CALLBACK_ERROR_NODEJS24_ABOVE =
  'ERROR: AWS Lambda has removed support for callback-based function handlers starting with Node.js 24. You need to modify this function to use a supported handler signature to use Node.js 24 or later. For more information see https://docs.aws.amazon.com/lambda/latest/dg/nodejs-handler.html.';

const parseHandlerString = (fullHandlerString) => {
  const moduleAndHandler = path.basename(fullHandlerString);
  const moduleRoot = fullHandlerString.substring(0, fullHandlerString.indexOf(moduleAndHandler));
  const match = moduleAndHandler.match(MODULE_AND_HANDLER);
  if (!match) throw new MalformedHandlerNameError('Bad handler');
  return { moduleRoot: moduleRoot.replace(/\/$/, ''), moduleName: match[1], handlerName: match[2] };
};

const loadModule = async (appRoot, moduleRoot, moduleName) => {
  const withoutExtension = path.resolve(appRoot, moduleRoot, moduleName);
  try {
    for (const extension of EXTENSION_ORDER) {
      const candidate = `${withoutExtension}${extension}`;
      const loaded = existsSync(candidate) ? await import(candidate) : undefined;
      if (loaded) return loaded;
    }
    const resolved = runtimeRequire.resolve(moduleName, { paths: [appRoot, path.join(appRoot, moduleRoot)] });
    return runtimeRequire(resolved);
  } catch (error) {
    if (error instanceof SyntaxError) throw new UserCodeSyntaxError(error);
    if (error instanceof Error && error.code === 'MODULE_NOT_FOUND') throw new ImportModuleError(error);
    throw error;
  }
};

const findIn = (handlerName, container) =>
  handlerName
    .split('.')
    .reduce((nested, key) => (nested && typeof nested === 'object' ? nested[key] : undefined), container);

const resolveHandler = (loaded, handlerName, fullHandlerString) => {
  let handler = findIn(handlerName, loaded);
  if (!handler && typeof loaded === 'object' && loaded !== null && 'default' in loaded) {
    handler = findIn(handlerName, loaded.default);
  }
  if (!handler) throw new HandlerNotFoundError(`${fullHandlerString} is undefined or not exported`);
  if (typeof handler !== 'function') throw new HandlerNotFoundError(`${fullHandlerString} is not a function`);
  return handler;
};

const isStreaming = (handler) => {
  const mode = handler[HANDLER_STREAMING];
  if (!mode) return false;
  if (mode === STREAM_RESPONSE) return true;
  throw new MalformedStreamingHandler('Only response streaming is supported.');
};

const highWaterMarkOf = (handler) => {
  const mark = handler[HANDLER_HIGHWATERMARK];
  if (!mark) return undefined;
  const parsed = Number(mark);
  return Number.isNaN(parsed) ? undefined : parsed;
};

/** @returns the handler and its metadata */
export const loadUserFunction = async (appRoot, handlerString) => {
  if (handlerString.includes('..')) {
    throw new MalformedHandlerNameError(
      `'${handlerString}' is not a valid handler name. Use absolute paths when specifying root directories in handler names.`,
    );
  }
  const { moduleRoot, moduleName, handlerName } = parseHandlerString(handlerString);
  const loaded = await loadModule(appRoot, moduleRoot, moduleName);
  const handler = resolveHandler(loaded, handlerName, handlerString);
  return {
    handler,
    metadata: {
      streaming: isStreaming(handler),
      highWaterMark: highWaterMarkOf(handler),
      argsNum: handler.length,
    },
  };
};

/** Callback-style handlers (three or more parameters, not streaming) are refused by this runtime generation. */
export const refuseCallbackHandler = (metadata) => {
  if ((metadata.argsNum ?? 0) < 3 || metadata.streaming) return;
  const nodejs22 = process.env.AWS_EXECUTION_ENV === 'AWS_Lambda_nodejs22.x';
  throw new CallbackHandlerDeprecatedError(
    nodejs22 ? CALLBACK_ERROR_NODEJS22 : CALLBACK_ERROR_NODEJS24_ABOVE,
  );
};
