/**
 * Loads the handler named by `_HANDLER` as the nodejs22.x runtime does (aws-lambda-ric 3.x,
 * src/UserFunction.js):
 * - `..` anywhere in the handler string is refused; an absolute module root (`/opt/...`) is allowed;
 * - `<module root>/<module>.<path.to.handler>`: the module is tried as the extensionless file (require), as
 *   `.js` (require, unless the nearest package.json says `"type": "module"`, then import), `.mjs` (import),
 *   `.cjs` (require), and last through `require.resolve(module, { paths: [appRoot, moduleRoot] })`;
 * - the handler is looked up by dots in what the module exports.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import {
  HANDLER_HIGHWATERMARK,
  HANDLER_STREAMING,
  HttpResponseStream,
  noGlobalAwsLambda,
  STREAM_RESPONSE,
  streamifyResponse,
} from '../streaming.mjs';
import {
  HandlerNotFound,
  ImportModuleError,
  MalformedHandlerName,
  MalformedStreamingHandler,
  UserCodeSyntaxError,
} from './errors.mjs';

// The runtime ships as one bundled /var/runtime/index.mjs; resolving from there keeps the require stack in
// "Cannot find module" messages the same as in Lambda.
const runtimeRequire = createRequire(new URL('../index.mjs', import.meta.url));

const MODULE_AND_HANDLER = /^([^.]*)\.(.*)$/;

const requireIfExists = (file, extension) => {
  const candidate = file + extension;
  return existsSync(candidate) ? runtimeRequire(candidate) : undefined;
};

const importIfExists = async (file, extension) => {
  const candidate = file + extension;
  return existsSync(candidate) ? await import(candidate) : undefined;
};

/** Whether the nearest package.json above `folder` (stopping at a node_modules folder) says `"type": "module"`. */
const folderHasTypeModule = (folder) => {
  if (folder.endsWith('/node_modules')) return false;
  const packageJson = path.join(folder, 'package.json');
  if (existsSync(packageJson)) {
    try {
      const manifest = JSON.parse(readFileSync(packageJson, 'utf8'));
      if (manifest) return manifest.type === 'module';
    } catch (error) {
      console.warn(
        `${packageJson} cannot be read, it will be ignored for ES module detection purposes.`,
        error,
      );
      return false;
    }
  }
  if (folder === '/') return false;
  return folderHasTypeModule(path.resolve(folder, '..'));
};

const jsFileHasTypeModule = (file) =>
  existsSync(`${file}.js`) && folderHasTypeModule(path.dirname(`${file}.js`));

const tryLoad = async (appRoot, moduleRoot, module) => {
  const lambdaStylePath = path.resolve(appRoot, moduleRoot, module);
  const extensionless = requireIfExists(lambdaStylePath, '');
  if (extensionless) return extensionless;

  const typeModule = jsFileHasTypeModule(lambdaStylePath);
  if (!typeModule) {
    const commonJs = requireIfExists(lambdaStylePath, '.js');
    if (commonJs) return commonJs;
  }
  const loaded =
    (typeModule && (await importIfExists(lambdaStylePath, '.js'))) ||
    (await importIfExists(lambdaStylePath, '.mjs')) ||
    requireIfExists(lambdaStylePath, '.cjs');
  if (loaded) return loaded;

  return runtimeRequire(runtimeRequire.resolve(module, { paths: [appRoot, moduleRoot] }));
};

const installAwsLambdaGlobal = () => {
  if (noGlobalAwsLambda()) return;
  globalThis.awslambda = { streamifyResponse, HttpResponseStream };
};

const loadUserApp = async (appRoot, moduleRoot, module) => {
  installAwsLambdaGlobal();
  try {
    return await tryLoad(appRoot, moduleRoot, module);
  } catch (error) {
    if (error instanceof SyntaxError) throw new UserCodeSyntaxError(error);
    if (error?.code === 'MODULE_NOT_FOUND') throw new ImportModuleError(error);
    throw error;
  }
};

/** @returns the handler function named by `fullHandlerString` */
export const loadHandler = async (appRoot, fullHandlerString) => {
  if (fullHandlerString.includes('..')) {
    throw new MalformedHandlerName(
      `'${fullHandlerString}' is not a valid handler name. Use absolute paths when specifying root directories in handler names.`,
    );
  }
  const moduleAndHandler = path.basename(fullHandlerString);
  const moduleRoot = fullHandlerString.substring(0, fullHandlerString.indexOf(moduleAndHandler));
  const match = moduleAndHandler.match(MODULE_AND_HANDLER);
  if (!match) throw new MalformedHandlerName('Bad handler');
  const [, module, handlerPath] = match;

  const userApp = await loadUserApp(appRoot, moduleRoot, module);
  const handler = handlerPath.split('.').reduce((nested, key) => nested?.[key], userApp);
  if (!handler) throw new HandlerNotFound(`${fullHandlerString} is undefined or not exported`);
  if (typeof handler !== 'function') throw new HandlerNotFound(`${fullHandlerString} is not a function`);
  return handler;
};

const streamingModeOf = (handler) => {
  const mode = handler[HANDLER_STREAMING];
  if (mode === undefined || mode === null || mode === false) return false;
  if (mode === STREAM_RESPONSE) return STREAM_RESPONSE;
  throw new MalformedStreamingHandler('Only response streaming is supported.');
};

const highWaterMarkOf = (handler) => {
  const mark = handler[HANDLER_HIGHWATERMARK];
  if (mark === undefined || mark === null || mark === false) return undefined;
  const parsed = Number.parseInt(mark, 10);
  return Number.isNaN(parsed) ? undefined : parsed;
};

const isAsyncFunction = (handler) => {
  try {
    return handler?.constructor?.name === 'AsyncFunction';
  } catch {
    return false;
  }
};

export const handlerMetadata = (handler) => ({
  streaming: streamingModeOf(handler),
  highWaterMark: highWaterMarkOf(handler),
  isAsync: isAsyncFunction(handler),
  argsNum: handler.length,
});
