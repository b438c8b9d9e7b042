/**
 * `/var/runtime/index.mjs` of the emulated Node.js managed runtime: the file the bootstrap hands to node.
 *
 * It prepares what both runtime generations share, then runs the one named in `runtime-release`:
 * - the thread that posts results synchronously, started before any module hook exists so that its own
 *   loading never goes through one;
 * - the ES module resolve hook that searches the `NODE_PATH` folders for bare specifiers, registered before
 *   any user code loads (see node-path-hooks.mjs).
 */
import { readFileSync } from 'node:fs';
import { register } from 'node:module';
import { SyncPoster } from './sync-poster.mjs';

const release = readFileSync(new URL('./runtime-release', import.meta.url), 'utf8').trim();
// The node running here is the test machine's (20.x), not the runtime's 22 or 24: the AWS SDK's notice about
// old Node versions would never appear in Lambda's log, so it must not appear in this one.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const poster = new SyncPoster();
register('./node-path-hooks.mjs', import.meta.url, { data: { nodePath: process.env.NODE_PATH ?? '' } });

const generation = release === 'nodejs22.x' ? './nodejs22/main.mjs' : './nodejs24/main.mjs';
const { main } = await import(generation);
await main(poster);
