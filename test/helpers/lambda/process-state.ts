/**
 * What the kernel says about a process group: the members and their scheduling states, read from
 * `/proc/<pid>/stat` (https://man7.org/linux/man-pages/man5/proc_pid_stat.5.html). `T` means stopped by a
 * signal, which is how a frozen environment must look.
 */
import { readdirSync, readFileSync } from 'node:fs';

/** One process as `/proc/<pid>/stat` describes it. */
export interface ProcessStat {
  readonly pid: number;
  /** Field 3: R running, S sleeping, D disk sleep, T stopped, t traced, Z zombie, X dead, ... */
  readonly state: string;
  readonly processGroup: number;
}

/** Reads `/proc/<pid>/stat`; `undefined` once the process is gone. */
export const readProcessStat = (pid: number): ProcessStat | undefined => {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // The command name (field 2) sits in parentheses and may itself contain spaces or parentheses.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return { pid, state: fields[0] ?? '?', processGroup: Number(fields[2]) };
};

/** Every live process of the group (zombies excluded: they no longer run and cannot be stopped). */
export const processGroupMembers = (processGroup: number): ProcessStat[] =>
  readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .map((entry) => readProcessStat(Number(entry)))
    .filter((stat): stat is ProcessStat => stat?.processGroup === processGroup && stat.state !== 'Z');

/** Whether every live process of the group is stopped by a signal. */
export const isProcessGroupStopped = (processGroup: number): boolean => {
  const members = processGroupMembers(processGroup);
  return members.length > 0 && members.every((member) => member.state === 'T');
};

/** The peak resident set size of a process in MB (`VmHWM`), as Lambda's REPORT line's "Max Memory Used". */
export const peakMemoryMb = (pid: number): number | undefined => {
  try {
    const match = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Math.ceil(Number(match[1]) / 1024) : undefined;
  } catch {
    return undefined;
  }
};
