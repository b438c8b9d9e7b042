import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { VERSION } from '@anthropic-ai/sdk/version';
import ts from 'typescript';

/**
 * The model ids named by the installed `@anthropic-ai/sdk`'s `Model` type, read with the TypeScript checker.
 *
 * This is the one place the project reads the SDK's type declarations. It resolves the public import
 * `@anthropic-ai/sdk/resources/messages` and expects `Model` to be a union of string literals plus the open
 * `(string & {})` member, which is how the SDK (checked against 1.14.0) declares it. Anything else throws,
 * so a change of shape fails the completeness test loudly instead of letting it pass with no models.
 */
export const sdkModelIds = (): { version: string; models: string[] } => {
  const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
  const probe = join(root, '__sdk-model-probe__.ts');
  const text =
    "import type { Model } from '@anthropic-ai/sdk/resources/messages';\nexport type Probe = Model;\n";
  const options: ts.CompilerOptions = {
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    target: ts.ScriptTarget.ES2023,
    strict: true,
    skipLibCheck: true,
    noEmit: true,
    types: [],
  };
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (name, language, ...rest) =>
    name === probe ? ts.createSourceFile(name, text, language) : getSourceFile(name, language, ...rest);
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (name) => name === probe || fileExists(name);
  const program = ts.createProgram([probe], options, host);
  const source = program.getSourceFile(probe);
  const alias = source?.statements.find(ts.isTypeAliasDeclaration);
  if (!alias) throw new Error('SDK model probe did not compile');
  const problems = ts
    .getPreEmitDiagnostics(program, source)
    .map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
  if (problems.length > 0) throw new Error(`cannot read the SDK's Model type: ${problems.join('; ')}`);

  const type = program.getTypeChecker().getTypeAtLocation(alias.name);
  if (!type.isUnion()) throw new Error("the SDK's Model type is no longer a union of model ids");
  const models = type.types.filter((member) => member.isStringLiteral()).map((member) => member.value);
  const open = type.types.some((member) => member.isIntersection());
  if (models.length === 0 || !open) {
    throw new Error(
      "the SDK's Model type changed shape (expected string literals and `string & {}`); update sdk-models.ts",
    );
  }
  return { version: VERSION, models };
};
