/**
 * Cleanup of what the harness leaves on the host when the test process ends: vitest ends its worker processes
 * with SIGTERM, which skips `exit` listeners, and sends SIGKILL half a second later, which skips everything.
 * So cleanup runs on `exit` and on SIGTERM (then SIGTERM is raised again, so the process still ends as it
 * would have); large folders are removed by a detached `rm` that outlives the process; and the folders of
 * processes that died without cleaning up are removed by the next one.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const cleanups: (() => void)[] = [];
let installed = false;

const runCleanups = (): void => {
  for (const cleanup of cleanups.splice(0).reverse()) {
    try {
      cleanup();
    } catch {
      // Best effort at exit: one failed cleanup must not keep the others from running.
    }
  }
};

const install = (): void => {
  if (installed) return;
  installed = true;
  process.once('exit', runCleanups);
  process.once('SIGTERM', () => {
    runCleanups();
    // With no other listener left, SIGTERM's default action ends the process as it would have without us.
    if (process.listenerCount('SIGTERM') === 0) process.kill(process.pid, 'SIGTERM');
  });
};

/** Runs `cleanup` (synchronously) when the test process ends. */
export const onProcessEnd = (cleanup: () => void): void => {
  install();
  cleanups.push(cleanup);
};

/** Removes a folder from a detached process, so that the removal finishes even if this process is killed. */
export const removeInBackground = (path: string): void => {
  spawn('/bin/rm', ['-rf', '--', path], { detached: true, stdio: 'ignore' }).unref();
};

const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/**
 * Creates `os.tmpdir()/<prefix><pid>-XXXXXX`, after removing the folders of that prefix whose process is gone.
 */
export const createOwnedTempDir = (prefix: string): string => {
  const owned = new RegExp(`^${prefix}(\\d+)-`);
  for (const entry of readdirSync(tmpdir())) {
    const pid = owned.exec(entry)?.[1];
    if (pid !== undefined && !isAlive(Number(pid))) removeInBackground(join(tmpdir(), entry));
  }
  return mkdtempSync(join(tmpdir(), `${prefix}${process.pid}-`));
};
