/**
 * Copies a folder tree, optionally by hard links. Used to assemble the layer and the dependency closures that
 * go into it (and, in the tests, the Lambda runtime folder and functions).
 */
import {
  constants,
  copyFileSync,
  linkSync,
  mkdirSync,
  readdirSync,
  readlinkSync,
  symlinkSync,
} from 'node:fs';
import { join } from 'node:path';

/** Options of `copyFolder`. */
export interface CopyFolderOptions {
  /**
   * Hard-link files instead of copying them (falls back to copying across file systems). Only for targets
   * nobody writes to: a linked file IS the source file.
   * @default false
   */
  readonly link?: boolean;
  /**
   * Leave out the source's own top-level `node_modules` folder.
   * @default false
   */
  readonly skipNodeModules?: boolean;
  /** Leave out the files and folders for which this is true (path relative to `source`). @default none */
  readonly skip?: (relativePath: string) => boolean;
}

const linkOrCopy = (from: string, to: string): void => {
  try {
    linkSync(from, to);
  } catch (error) {
    // Across file systems (EXDEV) or where links are not allowed (EPERM), copy; anything else is a real error.
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EXDEV' && code !== 'EPERM') throw error;
    copyFileSync(from, to, constants.COPYFILE_FICLONE | constants.COPYFILE_EXCL);
  }
};

const copyTree = (source: string, target: string, prefix: string, options: CopyFolderOptions): void => {
  mkdirSync(target, { recursive: true });
  for (const entry of readdirSync(source, { withFileTypes: true })) {
    if (prefix === '' && options.skipNodeModules && entry.name === 'node_modules') continue;
    const relativePath = `${prefix}${entry.name}`;
    if (options.skip?.(relativePath)) continue;
    const from = join(source, entry.name);
    const to = join(target, entry.name);
    if (entry.isDirectory()) copyTree(from, to, `${relativePath}/`, options);
    else if (entry.isSymbolicLink()) symlinkSync(readlinkSync(from), to);
    else if (options.link) linkOrCopy(from, to);
    else copyFileSync(from, to, constants.COPYFILE_FICLONE | constants.COPYFILE_EXCL);
  }
};

/** Copies `source` into `target` (created if missing); files keep their mode, symbolic links stay links. */
export const copyFolder = (source: string, target: string, options: CopyFolderOptions = {}): void =>
  copyTree(source, target, '', options);
