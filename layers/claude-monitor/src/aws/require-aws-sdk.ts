import { createRequire } from 'node:module';

const requireFromHere = createRequire(import.meta.url);

/**
 * Loads a package of the AWS SDK v3 that the Lambda runtime provides (`/var/runtime/node_modules`), with
 * `require`, which searches `NODE_PATH` from any module format: the layer's code lives under `/opt`, where
 * the runtime's packages are not among its parent folders. Loaded on first use only, so a function that
 * never writes a record never pays for it.
 */
export const requireAwsSdk = <T>(name: string): T => requireFromHere(name) as T;
