import { fileURLToPath } from 'node:url';

/** Root of the repository: every entry and asset path of the app is resolved from it. */
export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Absolute path of a repository-relative path. */
export const repoPath = (relative: string): string =>
  fileURLToPath(new URL(`../../${relative}`, import.meta.url));
