import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { HandlerNotFoundError, MalformedHandlerNameError } from './errors';

/**
 * Loads a function's handler exactly as the Lambda Node.js runtime does, so that putting the monitor's
 * wrapper in front of it changes nothing about how the function's code is found and run. The rules follow the
 * runtime interface client (aws-lambda-nodejs-runtime-interface-client, `UserFunction.js` of 3.x, used by
 * nodejs22.x, and the module loader of 4.x, used by nodejs24.x):
 * - `dir/sub/module.nested.fn`: the module is `module` in `dir/sub` under the task root (an absolute
 *   directory is taken as is), the handler is `fn` of `nested`; `..` is refused;
 * - 3.x: an extensionless file or a `.js` file not under `"type": "module"` is loaded with `require`; then
 *   `.js` (under `"type": "module"`) and `.mjs` with `import()`, then `.cjs` with `require`;
 * - 4.x: the same candidates (``, `.js`, `.mjs`, `.cjs`), each with `import()`;
 * - last, the module name resolved as a package from the task root;
 * - the handler is looked up in the module, then in its `default` export (4.x).
 * Errors of the function's own code (syntax, missing modules) are thrown untouched, so the runtime reports
 * them as it would without the monitor.
 */
const FUNCTION_EXPR = /^([^.]*)\.(.*)$/;

const requireFrom = createRequire(import.meta.url);

/** Nearest package.json above `folder` says `"type": "module"` (a `node_modules` folder stops the search). */
const underTypeModule = (folder: string): boolean => {
  if (folder.endsWith('/node_modules')) return false;
  const manifest = join(folder, 'package.json');
  if (existsSync(manifest)) {
    try {
      return (JSON.parse(readFileSync(manifest, 'utf8')) as { type?: unknown }).type === 'module';
    } catch {
      return false;
    }
  }
  const parent = resolve(folder, '..');
  return parent === folder ? false : underTypeModule(parent);
};

const tryRequire = (path: string): unknown => (existsSync(path) ? requireFrom(path) : undefined);
const tryImport = async (path: string): Promise<unknown> =>
  existsSync(path) ? import(pathToFileURL(path).href) : undefined;

/** 3.x (nodejs22.x): CommonJS first, `import()` only for ES modules. */
const loadModule3 = async (path: string): Promise<unknown> => {
  const extensionless = tryRequire(path);
  if (extensionless) return extensionless;
  const typeModule = existsSync(`${path}.js`) && underTypeModule(dirname(`${path}.js`));
  if (!typeModule) {
    const commonJs = tryRequire(`${path}.js`);
    if (commonJs) return commonJs;
  }
  return (
    (typeModule ? await tryImport(`${path}.js`) : undefined) ??
    (await tryImport(`${path}.mjs`)) ??
    tryRequire(`${path}.cjs`)
  );
};

/** 4.x (nodejs24.x and later): every candidate through `import()`. */
const loadModule4 = async (path: string): Promise<unknown> => {
  for (const extension of ['', '.js', '.mjs', '.cjs']) {
    const loaded = await tryImport(`${path}${extension}`);
    if (loaded) return loaded;
  }
  return undefined;
};

/** Which loader the runtime uses: 4.x from nodejs24.x on (by the runtime's name, else Node's version). */
const usesImportLoader = (env: NodeJS.ProcessEnv): boolean => {
  const runtime = /nodejs(\d+)/.exec(env.AWS_EXECUTION_ENV ?? '');
  const major = Number(runtime?.[1] ?? process.versions.node.split('.')[0]);
  return major >= 24;
};

const loadModule = async (
  appRoot: string,
  moduleRoot: string,
  moduleName: string,
  env: NodeJS.ProcessEnv,
): Promise<unknown> => {
  const path = resolve(appRoot, moduleRoot, moduleName);
  const loaded = usesImportLoader(env) ? await loadModule4(path) : await loadModule3(path);
  if (loaded) return loaded;
  return requireFrom(requireFrom.resolve(moduleName, { paths: [appRoot, join(appRoot, moduleRoot)] }));
};

const findIn = (handlerPath: string, root: unknown): unknown =>
  handlerPath
    .split('.')
    .reduce<unknown>(
      (nested, key) =>
        nested !== null && (typeof nested === 'object' || typeof nested === 'function')
          ? (nested as Record<string, unknown>)[key]
          : undefined,
      root,
    );

/** A handler function of the function's code. */
export type LambdaHandler = (...args: unknown[]) => unknown;

/**
 * Loads the handler named `handlerString` (e.g. `index.handler`, `src/handlers/chat.main`) from `appRoot`.
 * @throws MalformedHandlerNameError, HandlerNotFoundError, or the function's own load error
 */
export const loadHandler = async (
  appRoot: string,
  handlerString: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<LambdaHandler> => {
  if (handlerString.includes('..')) {
    throw new MalformedHandlerNameError(
      `'${handlerString}' is not a valid handler name. Use absolute paths when specifying root directories in handler names.`,
    );
  }
  const moduleAndHandler = basename(handlerString);
  const moduleRoot = handlerString.slice(0, handlerString.length - moduleAndHandler.length);
  const match = FUNCTION_EXPR.exec(moduleAndHandler);
  if (!match) throw new MalformedHandlerNameError('Bad handler');
  const [, moduleName, handlerPath] = match as unknown as [string, string, string];
  const loaded = await loadModule(appRoot, moduleRoot, moduleName, env);
  let handler = findIn(handlerPath, loaded);
  if (handler === undefined && loaded !== null && typeof loaded === 'object' && 'default' in loaded) {
    handler = findIn(handlerPath, (loaded as { default: unknown }).default);
  }
  if (handler === undefined || handler === null) {
    throw new HandlerNotFoundError(`${handlerString} is undefined or not exported`);
  }
  if (typeof handler !== 'function') throw new HandlerNotFoundError(`${handlerString} is not a function`);
  return handler as LambdaHandler;
};
