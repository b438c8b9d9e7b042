/**
 * Folders for functions and layers in tests: temporary folders, files written from a description, and a
 * layer assembled from plain package folders. (The product's real layer comes from `buildLayerSync` in
 * layers/claude-monitor/scripts/build-layer.ts.)
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { copyFolder } from '../../../layers/claude-monitor/scripts/copy-folder';

/** A file's content, or its content and whether it is executable (exec wrappers must be). */
export type FileContent = string | { readonly content: string; readonly executable: boolean };

/** Files by path relative to a folder. */
export type FileTree = Readonly<Record<string, FileContent>>;

/** A temporary folder and the way to remove it. */
export interface TempDir {
  readonly path: string;
  remove(): void;
}

/** Creates an empty temporary folder (`os.tmpdir()/<prefix>XXXXXX`). */
export const createTempDir = (prefix: string): TempDir => {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
};

/** Writes every file of `files` under `dir`, creating folders as needed. */
export const writeFileTree = (dir: string, files: FileTree): void => {
  for (const [relativePath, file] of Object.entries(files)) {
    const path = join(dir, relativePath);
    mkdirSync(dirname(path), { recursive: true });
    if (typeof file === 'string') writeFileSync(path, file);
    else writeFileSync(path, file.content, { mode: file.executable ? 0o755 : 0o644 });
  }
};

/** What goes into a layer. */
export interface LayerContents {
  /** Package folders by package name, each copied to `nodejs/node_modules/<name>`. */
  readonly packages?: Readonly<Record<string, string>>;
  /** Further files by path from the layer's root (`/opt`), e.g. an exec wrapper. */
  readonly files?: FileTree;
}

/** Assembles a layer's content in `layerDir` (mounted at `/opt`). */
export const buildLayerDir = (layerDir: string, contents: LayerContents): string => {
  mkdirSync(layerDir, { recursive: true });
  for (const [name, folder] of Object.entries(contents.packages ?? {})) {
    copyFolder(folder, join(layerDir, 'nodejs', 'node_modules', name));
  }
  writeFileTree(layerDir, contents.files ?? {});
  return layerDir;
};
