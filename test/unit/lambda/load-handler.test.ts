import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadHandler } from '../../../layers/claude-monitor/src/lambda/load-handler';

let root: string;
const NODE22 = { AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x' };
const NODE24 = { AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x' };

const write = (path: string, text: string) => {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), text);
};

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'task-root-'));
  write('cjs.js', "exports.handler = async () => 'cjs';");
  write('esm.mjs', "export const handler = async () => 'esm';");
  write('typed/package.json', '{"type":"module"}');
  write('typed/index.js', "export const handler = async () => 'typed';");
  write(
    'src/handlers/chat.js',
    "exports.main = async () => 'nested'; exports.api = { v1: { run: async () => 'deep' } };",
  );
  write('defaults.mjs', "export default { handler: async () => 'default' };");
  write('plain.cjs', "module.exports = { notAFunction: 1, handler: async () => 'cjs-ext' };");
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

const call = async (handlerString: string, env: NodeJS.ProcessEnv = NODE22) =>
  (await loadHandler(root, handlerString, env))();

describe('loadHandler, as the Lambda Node.js runtime loads handlers', () => {
  it.each([
    ['cjs.handler', 'cjs'],
    ['esm.handler', 'esm'],
    ['typed/index.handler', 'typed'],
    ['src/handlers/chat.main', 'nested'],
    ['src/handlers/chat.api.v1.run', 'deep'],
    ['plain.handler', 'cjs-ext'],
  ])('loads %s (nodejs22.x and nodejs24.x)', async (handlerString, expected) => {
    // Act
    const results = [await call(handlerString, NODE22), await call(handlerString, NODE24)];
    // Assess
    expect(results).toEqual([expected, expected]);
  });

  it('finds a handler in the default export on nodejs24.x, as its runtime does', async () => {
    // Act
    const result = await call('defaults.handler', NODE24);
    const old = () => call('defaults.handler', NODE22);
    // Assess
    expect(result).toBe('default');
    await expect(old()).resolves.toBe('default');
  });

  it.each([
    ['cjs.missing', 'Runtime.HandlerNotFound', 'cjs.missing is undefined or not exported'],
    ['plain.notAFunction', 'Runtime.HandlerNotFound', 'plain.notAFunction is not a function'],
    ['../outside.handler', 'Runtime.MalformedHandlerName', 'Use absolute paths'],
    ['nodot', 'Runtime.MalformedHandlerName', 'Bad handler'],
  ])('refuses %s with the runtime’s error', async (handlerString, name, message) => {
    // Act
    const error = await loadHandler(root, handlerString, NODE22).catch((thrown: Error) => thrown);
    // Assess
    expect(error).toMatchObject({ name });
    expect((error as Error).message).toContain(message);
  });

  it("lets the function's own load error through untouched", async () => {
    // Prepare
    write('broken.js', 'exports.handler = ;');
    write('missing-dep.js', "require('not-installed-anywhere'); exports.handler = async () => 1;");
    // Act
    const syntax = await loadHandler(root, 'broken.handler', NODE22).catch((thrown: Error) => thrown);
    const missing = await loadHandler(root, 'missing-dep.handler', NODE22).catch((thrown: Error) => thrown);
    // Assess
    expect(syntax).toBeInstanceOf(SyntaxError);
    expect(missing).toMatchObject({ code: 'MODULE_NOT_FOUND' });
  });
});
