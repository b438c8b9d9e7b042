/**
 * Copies a folder tree, optionally by hard links. Used to assemble the runtime folder, layers and the
 * dependency closures that go into them.
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

/** Copies `source` into `target` (created if missing); files keep their mode, symbolic links stay links. */
export const copyFolder = (source: string, target: string, options: CopyFolderOptions = {}): void => {
  mkdirSync(target, { recursive: true });
  for (const entry of readdirSync(source, { withFileTypes: true })) {
    if (options.skipNodeModules && entry.name === 'node_modules') continue;
    const from = join(source, entry.name);
    const to = join(target, entry.name);
    if (entry.isDirectory()) copyFolder(from, to, { link: options.link });
    else if (entry.isSymbolicLink()) symlinkSync(readlinkSync(from), to);
    else if (options.link) linkOrCopy(from, to);
    else copyFileSync(from, to, constants.COPYFILE_FICLONE | constants.COPYFILE_EXCL);
  }
};
