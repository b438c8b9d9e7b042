/**
 * ES module resolve hook: when a bare specifier cannot be resolved the normal way, look for its package in
 * the `NODE_PATH` folders, as the Node.js runtimes do since nodejs18.x ("Node.js 18.x runtime now available
 * in AWS Lambda", AWS Compute Blog). Without it, an `import` in `/var/task` could not reach a package in a
 * layer (`/opt/nodejs/node_modules`) or the SDK the runtime provides (`/var/runtime/node_modules`).
 *
 * Only `NODE_PATH` entries that are `node_modules` folders are searched: the ESM resolver finds packages
 * through a parent folder's `node_modules`, so the entries `/var/runtime` and `/var/task` cannot be served
 * this way (docs/testing-lambda.md lists this).
 */
import { existsSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

let searchDirs = [];

export const initialize = ({ nodePath }) => {
  searchDirs = nodePath.split(':').filter((dir) => dir !== '' && basename(dir) === 'node_modules');
};

const URL_SCHEME = /^[a-zA-Z][a-zA-Z\d+.-]*:/;

const isBareSpecifier = (specifier) =>
  !specifier.startsWith('.') && !specifier.startsWith('/') && !URL_SCHEME.test(specifier);

const packageNameOf = (specifier) => {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
};

export const resolve = async (specifier, context, nextResolve) => {
  try {
    return await nextResolve(specifier, context);
  } catch (error) {
    if (error?.code !== 'ERR_MODULE_NOT_FOUND' || !isBareSpecifier(specifier)) throw error;
    const packageName = packageNameOf(specifier);
    const dir = searchDirs.find((candidate) => existsSync(join(candidate, packageName)));
    if (dir === undefined) throw error;
    // A parent module beside the folder makes the resolver look in exactly that node_modules first.
    const parentURL = pathToFileURL(join(dirname(dir), 'node-path-parent.mjs')).href;
    return nextResolve(specifier, { ...context, parentURL });
  }
};
