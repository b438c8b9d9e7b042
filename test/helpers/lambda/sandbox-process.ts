/**
 * The runtime process of one execution environment, in a private mount namespace
 * (`unshare --mount --propagation private`) where the function sees Lambda's file system layout:
 * the layer at `/opt`, its code at `/var/task`, the runtime at `/var/runtime` (all read-only), the node binary
 * at `/var/lang/bin/node`, and its own `/tmp`. The rest of the host's file system stays visible, and nothing
 * mounted here is visible outside.
 *
 * The process runs in its own process group so that freezing (SIGSTOP), thawing (SIGCONT) and reclaiming
 * (SIGKILL) reach every process the function started, as Lambda's freeze reaches the whole environment.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { setTimeout as delay } from 'node:timers/promises';
import { RuntimeProtocolError } from './errors';
import { isProcessGroupStopped } from './process-state';

/** Host folders mounted into the environment. */
export interface SandboxMounts {
  /** Mounted read-only at `/opt`. */
  readonly opt: string;
  /** Mounted read-only at `/var/task`. */
  readonly task: string;
  /** Mounted read-only at `/var/runtime`; holds an empty `node_modules` as mount target. */
  readonly runtime: string;
  /** Mounted read-only at `/var/runtime/node_modules`. */
  readonly runtimeNodeModules: string;
  /** Mounted read-only at `/var/lang`; holds an empty `bin/node` on which the node binary is mounted. */
  readonly lang: string;
  /** The node binary running the tests, mounted at `/var/lang/bin/node`. */
  readonly nodeBinary: string;
  /** Mounted read-write at `/tmp`. */
  readonly tmp: string;
}

/** Lambda's mount points; created (empty) on the host when missing, because a mount needs its target. */
export const MOUNT_POINTS = ['/opt', '/var/task', '/var/runtime', '/var/lang'] as const;

/** Exit status of the mount script when the sandbox cannot be set up (distinct from any runtime status). */
export const SANDBOX_SETUP_FAILED = 90;

// /tmp is mounted last: the other sources may themselves live under the host's /tmp.
const MOUNT_SCRIPT = `
fail() { echo "lambda sandbox: $1" >&2; exit ${SANDBOX_SETUP_FAILED}; }
bind_ro() { mount --bind "$1" "$2" && mount -o remount,bind,ro "$2" || fail "cannot mount $1 at $2"; }
bind_ro "$1" /opt
bind_ro "$2" /var/task
bind_ro "$3" /var/runtime
bind_ro "$4" /var/runtime/node_modules
mount --bind "$5" /var/lang || fail "cannot mount $5 at /var/lang"
mount --bind "$6" /var/lang/bin/node || fail "cannot mount $6 at /var/lang/bin/node"
mount --bind "$7" /tmp || fail "cannot mount $7 at /tmp"
cd /var/task || fail "no /var/task"
exec /var/runtime/bootstrap
`;

/** How the runtime process ended. */
export interface ProcessExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

const STOP_CHECK_LIMIT_MS = 10_000;

/** One runtime process and its process group. */
export class SandboxProcess {
  readonly pid: number;
  /** Resolves once the runtime process has ended. */
  readonly exited: Promise<ProcessExit>;
  private exit: ProcessExit | undefined;

  private constructor(child: ChildProcess) {
    if (child.pid === undefined) throw new RuntimeProtocolError('the runtime process could not be started');
    this.pid = child.pid;
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        this.exit = { code, signal };
        // Lambda resets the whole environment when its runtime ends: no process of it survives.
        this.signalGroup('SIGKILL');
        resolve(this.exit);
      });
    });
  }

  /**
   * Starts `/var/runtime/bootstrap` in a new mount namespace.
   * @param environment the complete environment of the runtime process
   * @param logFd a file opened for appending; stdout and stderr both go there, in the order they are written
   */
  static start(mounts: SandboxMounts, environment: Record<string, string>, logFd: number): SandboxProcess {
    const child = spawn(
      '/usr/bin/unshare',
      [
        '--mount',
        '--propagation',
        'private',
        '/bin/sh',
        '-c',
        MOUNT_SCRIPT,
        'lambda-sandbox',
        mounts.opt,
        mounts.task,
        mounts.runtime,
        mounts.runtimeNodeModules,
        mounts.lang,
        mounts.nodeBinary,
        mounts.tmp,
      ],
      { cwd: '/', env: environment, detached: true, stdio: ['ignore', logFd, logFd] },
    );
    return new SandboxProcess(child);
  }

  /** How the process ended, once it has. */
  get exitStatus(): ProcessExit | undefined {
    return this.exit;
  }

  /**
   * Freezes the environment: SIGSTOP to the process group, then waits until the kernel reports every process
   * of it stopped (`T` in `/proc/<pid>/stat`).
   * @returns false if the process ended instead
   */
  async freeze(): Promise<boolean> {
    if (this.exit !== undefined) return false;
    this.signalGroup('SIGSTOP');
    const started = Date.now();
    while (!isProcessGroupStopped(this.pid)) {
      if (this.exit !== undefined) return false;
      if (Date.now() - started > STOP_CHECK_LIMIT_MS) {
        throw new RuntimeProtocolError(
          `process group ${this.pid} is not stopped ${STOP_CHECK_LIMIT_MS} ms after SIGSTOP`,
        );
      }
      // Signal delivery is asynchronous and /proc cannot be waited on: look again shortly.
      await delay(1);
    }
    return true;
  }

  /** Thaws the environment (SIGCONT to the process group). */
  thaw(): void {
    this.signalGroup('SIGCONT');
  }

  /** Reclaims the environment without notice: SIGKILL to the process group, no earlier signal. */
  async kill(): Promise<ProcessExit> {
    if (this.exit === undefined) this.signalGroup('SIGKILL');
    return this.exited;
  }

  private signalGroup(signal: NodeJS.Signals): void {
    try {
      process.kill(-this.pid, signal);
    } catch (error) {
      // ESRCH: the group has no process left, which is what the caller wants in every case here.
      if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
    }
  }
}
