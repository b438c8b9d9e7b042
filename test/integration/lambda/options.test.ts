import { describe, expect, it } from 'vitest';
import { InvalidFunctionOptionError, ReservedEnvironmentVariableError } from '../../helpers/lambda/errors';
import { resolveFunctionOptions } from '../../helpers/lambda/function-options';
import { RESERVED_ENVIRONMENT_VARIABLES } from '../../helpers/lambda/lambda-environment';
import type { LambdaFunctionOptions } from '../../helpers/lambda/types';
import { fixturePath } from './fixtures';

const VALID: LambdaFunctionOptions = {
  runtime: 'nodejs24.x',
  taskDir: fixturePath('functions', 'shapes'),
  handler: 'esm.handler',
};

describe('function options', () => {
  it('applies generous defaults', () => {
    // Act
    const resolved = resolveFunctionOptions(VALID);
    // Assess
    expect(resolved).toMatchObject({
      timeoutSeconds: 20,
      memoryMb: 128,
      region: 'us-east-1',
      architecture: 'x86_64',
    });
  });

  it.each([...RESERVED_ENVIRONMENT_VARIABLES])(
    'refuses the reserved variable %s as CreateFunction does',
    (name) => {
      // Act
      const resolve = () => resolveFunctionOptions({ ...VALID, environment: { [name]: 'x' } });
      // Assess
      expect(resolve).toThrow(ReservedEnvironmentVariableError);
      expect(resolve).toThrow(`Reserved keys used in this request: ${name}`);
    },
  );

  it.each([
    ['runtime', { runtime: 'nodejs20.x' }],
    ['handler', { handler: '' }],
    ['taskDir', { taskDir: fixturePath('does-not-exist') }],
    ['timeoutSeconds', { timeoutSeconds: 0 }],
    ['timeoutSeconds', { timeoutSeconds: 901 }],
    ['memoryMb', { memoryMb: 64 }],
    ['region', { region: 'moon' }],
    ['functionName', { functionName: 'has spaces' }],
    [
      'credentials.accessKeyId',
      { credentials: { accessKeyId: 'a-b', secretAccessKey: 'x', sessionToken: 'y' } },
    ],
    ['environment.1ST', { environment: { '1ST': 'x' } }],
    ['environment', { environment: { BIG: 'x'.repeat(4096) } }],
  ])('refuses a bad %s with an error naming it', (option, override) => {
    // Act
    const resolve = () => resolveFunctionOptions({ ...VALID, ...override } as LambdaFunctionOptions);
    // Assess
    expect(resolve).toThrow(InvalidFunctionOptionError);
    expect(resolve).toThrow(`invalid option ${option}:`);
  });
});
