import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '..', '..');

/** An npm script run as a child process in its own process group, with its output kept. */
export interface NpmProcess {
  readonly child: ChildProcess;
  /** Everything written to stdout and stderr so far. */
  output(): string;
  /** Resolves when the output contains `text`; rejects if the process exits first or after `timeoutMs`. */
  waitForOutput(text: string, timeoutMs: number): Promise<void>;
  /** Resolves with the exit code once the process has exited. */
  exited(): Promise<number | null>;
  /**
   * Sends `signal` to the whole process group, as Ctrl-C in a terminal does, and resolves once no process
   * of the group is left (npm, the runner, Node, DynamoDB Local's Java); rejects after `timeoutMs`.
   */
  interrupt(signal?: NodeJS.Signals, timeoutMs?: number): Promise<void>;
}

/** Runs `npm run <script> -- <args>` from the repository root. */
export const runNpm = (script: string, args: string[], env: NodeJS.ProcessEnv): NpmProcess => {
  const child = spawn('npm', ['run', '--silent', script, ...(args.length > 0 ? ['--', ...args] : [])], {
    cwd: REPO_ROOT,
    env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  const listeners = new Set<() => void>();
  const onData = (chunk: Buffer): void => {
    text += chunk.toString('utf8');
    for (const listener of listeners) listener();
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  const exit = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));

  const waitForOutput = (needle: string, timeoutMs: number): Promise<void> =>
    new Promise((done, fail) => {
      const check = (): void => {
        if (!text.includes(needle)) return;
        cleanup();
        done();
      };
      const timer = setTimeout(() => {
        cleanup();
        fail(new Error(`no "${needle}" after ${timeoutMs} ms; output so far:\n${text.slice(-3000)}`));
      }, timeoutMs);
      const cleanup = (): void => {
        clearTimeout(timer);
        listeners.delete(check);
      };
      listeners.add(check);
      void exit.then((code) => {
        if (!listeners.has(check)) return;
        cleanup();
        fail(new Error(`npm run ${script} exited with ${code} before "${needle}":\n${text.slice(-3000)}`));
      });
      check();
    });

  const interrupt = async (signal: NodeJS.Signals = 'SIGINT', timeoutMs = 20_000): Promise<void> => {
    const group = -child.pid!;
    if (isRunning(group)) process.kill(group, signal);
    const deadline = Date.now() + timeoutMs;
    while (isRunning(group)) {
      if (Date.now() > deadline) {
        throw new Error(`processes of npm run ${script} still running ${timeoutMs} ms after ${signal}`);
      }
      await new Promise((done) => setTimeout(done, 100));
    }
  };

  return { child, output: () => text, waitForOutput, exited: () => exit, interrupt };
};

/** Whether a process with this id exists (a negative id: whether any process of that group does). */
export const isRunning = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/** Command lines of the processes whose command line contains `text` (what `pgrep -fa` shows). */
export const processesMatching = (text: string): string[] => {
  try {
    return execFileSync('pgrep', ['-fa', '--', text], { encoding: 'utf8' })
      .split('\n')
      .filter((line) => line.trim() !== '' && !line.includes('pgrep'));
  } catch (error) {
    // pgrep exits with 1 when nothing matches; anything else is a broken check, not an empty result.
    if ((error as { status?: number }).status === 1) return [];
    throw error;
  }
};

/** Kills whatever is left of a process group; for cleanup after a failed test only. */
export const killGroup = (child: ChildProcess): void => {
  try {
    if (child.pid) process.kill(-child.pid, 'SIGKILL');
  } catch {
    // The group is already gone.
  }
};
