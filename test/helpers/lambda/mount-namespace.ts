/**
 * Whether this machine lets the harness create private mount namespaces (root and a working
 * `unshare --mount --propagation private`), and a `describe` that skips with the reason when it does not.
 * CI runs as root, so there the Lambda tests always run.
 */
import { spawnSync } from 'node:child_process';
import { describe } from 'vitest';

export interface MountNamespaceSupport {
  readonly supported: boolean;
  /** Why not, when not supported. */
  readonly reason?: string;
}

let support: MountNamespaceSupport | undefined;

const probe = (): MountNamespaceSupport => {
  if (process.getuid?.() !== 0) return { supported: false, reason: 'not running as root' };
  const result = spawnSync('/usr/bin/unshare', ['--mount', '--propagation', 'private', '/bin/true'], {
    encoding: 'utf8',
  });
  if (result.error !== undefined) return { supported: false, reason: `unshare: ${result.error.message}` };
  if (result.status !== 0) return { supported: false, reason: `unshare: ${result.stderr.trim()}` };
  return { supported: true };
};

/** Probes once per process. */
export const mountNamespaceSupport = (): MountNamespaceSupport => {
  support ??= probe();
  return support;
};

/** `describe`, or `describe.skip` with the reason in the suite's name when mount namespaces are unavailable. */
export const describeWithLambda = (name: string, body: () => void): void => {
  const { supported, reason } = mountNamespaceSupport();
  if (supported) describe(name, body);
  else
    describe.skip(`${name} (skipped: Lambda environments need a private mount namespace; ${reason})`, body);
};
