import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, symlink } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DemoManifest, demoManifestFile } from '../../infra/local/demo-manifest';
import {
  BUDGET_TENANT,
  COSTLY_SESSION,
  FAILING_FUNCTION,
  SPIKING_FUNCTION,
  SURCHARGED_MODEL,
} from '../../infra/local/demo-plan';
import { freePort } from '../../infra/local/dynamodb-local';
import type { LocalDelivery } from '../../infra/local/local-notifier';
import { LOCAL_API_KEYS } from '../../infra/local/local-reconciliation';
import type { LocalAlert } from '../../infra/local/local-sns';
import { READY_LINE, REPLAY_LINE } from '../../infra/local/local-stack-output';
import { MonitorApiClient } from '../../infra/local/monitor-api-client';
import {
  alertLogFile,
  deliveryLogFile,
  LOCAL_ENV,
  type StackState,
  stackStateFile,
} from '../../infra/local/stack-state';
import { runAxe, SERIOUS_IMPACTS } from '../helpers/axe';
import { launchChromium } from '../helpers/browser';
import {
  isRunning,
  killGroup,
  type NpmProcess,
  processesMatching,
  REPO_ROOT,
  runNpm,
} from '../helpers/local-stack-process';

/**
 * The README's quick start, run for real: `npm start` (DynamoDB Local in Java, the stream runner, the SNS
 * emulator, the API) and `npm run demo` (the monitored SDK against the local Messages API), checked only
 * through what a user sees: the HTTP API, the printed alerts and the process table.
 */
describe('local stack: npm start + npm run demo', () => {
  let dir: string;
  let dataDir: string;
  let env: NodeJS.ProcessEnv;
  let stack: NpmProcess | undefined;
  let state: StackState;
  let manifest: DemoManifest;
  /** What the API reported after the demo, to compare with after the stream replay. */
  let before: unknown[];
  let demoOutput = '';

  const readAlerts = async (): Promise<LocalAlert[]> =>
    existsSync(alertLogFile(dir))
      ? (await readFile(alertLogFile(dir), 'utf8'))
          .split('\n')
          .filter((line) => line !== '')
          .map((line) => JSON.parse(line) as LocalAlert)
      : [];

  const startStack = async (args: string[], extraEnv: NodeJS.ProcessEnv = {}): Promise<NpmProcess> => {
    stack = runNpm('start', ['--data', dataDir, ...args], { ...env, ...extraEnv });
    // A restart re-reads the whole stream (the demo's calls and the anomaly's baseline weeks) before it says
    // ready: a generous bound for a loaded machine, not a timing check.
    await stack.waitForOutput(READY_LINE, 180_000);
    state = JSON.parse(await readFile(stackStateFile(dir), 'utf8')) as StackState;
    return stack;
  };

  /** The figures a restart must leave alone, read through the API. */
  const snapshot = (api: MonitorApiClient) =>
    Promise.all([
      api.json('/api/monitoring/summary?hours=24'),
      api.json('/api/monitoring/costs?days=1&group_by=model'),
      api.json('/api/monitoring/costs?days=1&group_by=session'),
      api.json('/api/monitoring/costs?days=1&group_by=function'),
      api.json('/api/monitoring/costs?days=1&group_by=user'),
    ]).then((parts) =>
      // The window moves with the clock; the figures must not.
      parts.map((part) => ({ ...(part as object), start: undefined, end: undefined })),
    );

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'local-stack-'));
    dataDir = join(dir, 'dynamodb');
    env = { ...process.env, PORT: String(await freePort()), CLAUDE_MONITOR_LOCAL_DIR: dir };
    delete env.ANTHROPIC_API_KEY;
    delete env.CLAUDE_MONITOR_API_TOKEN;
    delete env[LOCAL_ENV.apiToken];
    delete env.CLAUDE_MONITOR_ALERT_CONFIG;
  });

  afterAll(async () => {
    if (stack && stack.child.exitCode === null) killGroup(stack.child);
    await rm(dir, { recursive: true, force: true });
  });

  it('starts, and the demo sends its traffic through the monitored client', async () => {
    // Prepare
    await startStack([]);

    // Act
    const demo = runNpm('demo', [], env);
    const code = await demo.exited();
    demoOutput = demo.output();

    // Assess
    expect(code, demo.output()).toBe(0);
    manifest = JSON.parse(await readFile(demoManifestFile(dir), 'utf8')) as DemoManifest;
    expect(manifest.mode).toBe('stub');
    expect(manifest.calls).toBeGreaterThan(20);
    expect(Object.keys(manifest.byModel).length).toBeGreaterThanOrEqual(3);
    expect(manifest.errorsByStatus).toMatchObject({ '429': 1, '529': 3 });
    // The budget tenant's agent: five steps fit its enforced budget, the last two are refused unsent.
    expect(manifest.refused).toBe(2);
    expect(demo.output()).toMatch(
      new RegExp(`refused +contract-agent .*tenant ${BUDGET_TENANT}: .* nothing sent`),
    );
    expect(manifest.cacheWrite5mTokens).toBeGreaterThan(0);
    expect(manifest.cacheWrite1hTokens).toBeGreaterThan(0);
    expect(manifest.cacheReadTokens).toBeGreaterThan(0);
    expect(demo.output()).toContain(state.dashboardUrl);
    expect(demo.output()).toMatch(/demo-export\.csv\n\s+call_id,timestamp,model/);
  }, 240_000);

  it('reports through the HTTP API exactly what the demo sent', async () => {
    // Prepare
    const api = new MonitorApiClient(state.apiUrl, state.token);

    // Act
    const summary = await api.waitForCalls(manifest.calls);
    // Two days: the hour the anomaly is judged in, whose calls the demo recorded, is yesterday's after midnight.
    const byModel = await api.json<{ items: { key: string; calls: number; cost_nano_usd: number }[] }>(
      '/api/monitoring/costs?days=2&group_by=model',
    );
    const bySession = await api.json<{ items: { key: string; cost_nano_usd: number }[] }>(
      '/api/monitoring/costs?days=1&group_by=session',
    );
    const exported = await api.exportJson();
    const csv = await api.exportCsv();
    const dashboard = await fetch(state.dashboardUrl, { redirect: 'manual' });
    const anonymous = await fetch(`${state.apiUrl}/api/monitoring/summary?hours=24`);
    before = await snapshot(api);

    // Assess
    expect(summary).toMatchObject({
      total_calls: manifest.calls,
      successful_calls: manifest.successes,
      failed_calls: manifest.errors,
      total_cost_nano_usd: manifest.costNanoUsd,
      input_tokens: manifest.inputTokens,
      output_tokens: manifest.outputTokens,
      cache_write_5m_tokens: manifest.cacheWrite5mTokens,
      cache_write_1h_tokens: manifest.cacheWrite1hTokens,
      cache_read_tokens: manifest.cacheReadTokens,
    });
    expect(summary.average_latency_ms).toBeGreaterThan(0);
    expect(
      Object.fromEntries(
        byModel.items.map((item) => [item.key, { calls: item.calls, costNanoUsd: item.cost_nano_usd }]),
      ),
    ).toEqual(manifest.byModel);
    expect(bySession.items.find((item) => item.key === COSTLY_SESSION)?.cost_nano_usd).toBe(
      manifest.bySession[COSTLY_SESSION]!.costNanoUsd,
    );
    expect(exported).toHaveLength(manifest.calls);
    const exportedCost = exported.reduce(
      (sum, call) => sum + (call.cost as { totalNanoUsd: number }).totalNanoUsd,
      0,
    );
    expect(exportedCost).toBe(manifest.costNanoUsd);
    const rows = csv
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\n');
    expect(rows).toHaveLength(manifest.calls + 1);
    expect(await readFile(join(dir, 'demo-export.json'), 'utf8')).toContain(exported[0]!.callId as string);
    // The printed dashboard link works: its token is swapped for the session cookie.
    expect(dashboard.status).toBe(303);
    expect(dashboard.headers.get('set-cookie')).toContain('HttpOnly');
    expect(anonymous.status).toBe(401);
  });

  it('prints each alert the demo triggers exactly once', async () => {
    // Prepare
    const expected = manifest.expectedAlerts.map((alert) => `${alert.rule} ${alert.scope}`).sort();

    // Act
    await expect.poll(async () => (await readAlerts()).length, { timeout: 15_000 }).toBe(expected.length);
    const alerts = await readAlerts();

    // Assess
    expect(alerts.map((alert) => `${alert.attributes.rule} ${alert.attributes.scope}`).sort()).toEqual(
      expected,
    );
    expect(expected).toEqual(
      [
        `budget-refused tenant:${BUDGET_TENANT}`,
        `consecutive-errors function:${FAILING_FUNCTION}`,
        'reconciliation-difference anthropic',
        `session-cost session:${COSTLY_SESSION}`,
        `unmonitored-spend api_key:${LOCAL_API_KEYS.unmonitored.id}`,
        `anomaly function:${SPIKING_FUNCTION}`,
      ].sort(),
    );
    for (const alert of alerts) expect(stack!.output()).toContain(alert.subject);
    // The demo lists them all from the alerts route, the anomaly among them.
    for (const alert of alerts) expect(demoOutput).toContain(alert.subject);
    expect(demoOutput).toMatch(/1 anomaly, 0 forecasts over budget, 1 alert fired/);
  });

  it('delivers each alert once to the local Slack, Teams and webhook channels, and the demo shows two of them', async () => {
    // The six alerts of the demo (session, error streak, bill difference, unmonitored key, budget refusing,
    // the insights job's anomaly), once per channel.
    // Prepare
    const channels = ['slack-local', 'teams-local', 'webhook-local'];
    const readDeliveries = async (): Promise<LocalDelivery[]> =>
      existsSync(deliveryLogFile(dir))
        ? (await readFile(deliveryLogFile(dir), 'utf8'))
            .split('\n')
            .filter((line) => line !== '')
            .map((line) => JSON.parse(line) as LocalDelivery)
        : [];

    // Act
    await expect.poll(async () => (await readDeliveries()).length, { timeout: 30_000 }).toBe(18);
    const deliveries = await readDeliveries();

    // Assess
    for (const channel of channels) {
      const bodies = deliveries.filter((d) => d.channel === channel).map((d) => d.body);
      expect(
        bodies.filter((body) => body.includes(COSTLY_SESSION)),
        channel,
      ).toHaveLength(1);
      expect(
        bodies.filter((body) => body.includes(FAILING_FUNCTION)),
        channel,
      ).toHaveLength(1);
      expect(
        bodies.filter((body) => body.includes(`tenant ${BUDGET_TENANT}`)),
        channel,
      ).toHaveLength(1);
      expect(
        bodies.filter((body) => body.includes(`function ${SPIKING_FUNCTION}`)),
        channel,
      ).toHaveLength(1);
    }
    for (const webhook of deliveries.filter((d) => d.channel === 'webhook-local')) {
      expect(webhook.signature).toEqual({ ok: true });
    }
    expect(demoOutput).toContain('Slack delivery (Block Kit)');
    expect(demoOutput).toContain(`[header]  Claude spend: session ${COSTLY_SESSION} exceeded $1.00`);
    expect(demoOutput).toContain("with the channel's secret: valid");
    expect(demoOutput).toContain('the same with one figure of the body changed: refused (bad-signature)');
  });

  it('reconciles the demo day with the stand-in bills: matches, the deliberate mismatch and the unmonitored key', async () => {
    // Prepare
    const api = new MonitorApiClient(state.apiUrl, state.token);
    type Day = {
      models: { model: string; tracked: { cost_nano_usd: number }; difference_nano_usd: number }[];
      unmonitored: { api_key_id: string; cost_nano_usd: number }[];
      within_threshold: boolean;
    };

    // Act
    const served = await api.json<{ sources: { source: string; days: Day[] }[] }>(
      '/api/monitoring/reconciliation?days=1',
    );

    // Assess: every model matches to the nano-dollar but the one billed 5% dearer, on purpose.
    const [anthropic, bedrock] = served.sources.map((source) => source.days.at(-1)!);
    const differences = Object.fromEntries(anthropic!.models.map((m) => [m.model, m.difference_nano_usd]));
    const opus = anthropic!.models.find((m) => m.model === SURCHARGED_MODEL)!;
    expect(differences).toEqual({
      [SURCHARGED_MODEL]: Math.round(opus.tracked.cost_nano_usd * 0.05),
      'claude-sonnet-5-5': 0,
      'claude-haiku-5-5': 0,
    });
    expect(anthropic!.within_threshold).toBe(false);
    expect(anthropic!.unmonitored).toEqual([
      expect.objectContaining({ api_key_id: LOCAL_API_KEYS.unmonitored.id, cost_nano_usd: 480_000_000 }),
    ]);
    expect(bedrock!.models.map((m) => [m.model, m.difference_nano_usd])).toEqual([
      ['claude-sonnet-4-5-20250929', 0],
    ]);
    expect(bedrock!.within_threshold).toBe(true);
  });

  it('shows the demo traffic and the budget tenant refusing calls on the dashboard in Chromium, through the printed link', async () => {
    // Prepare
    const browser = await launchChromium();

    try {
      // Act
      const page = await browser.context.newPage();
      await page.goto(state.dashboardUrl);
      await page.waitForSelector('body[data-state="ready"]');
      await page.waitForSelector('#budgets[data-state="ready"]');
      const shown = await page.textContent('#total-calls');
      const budget = await page.$eval(`#budget-rows tr[data-id="${BUDGET_TENANT}"]`, (row) => ({
        status: (row as HTMLElement).dataset.status,
        refused: row.querySelector('.refused')?.textContent,
      }));
      await mkdir('test-results', { recursive: true });
      await page.screenshot({ path: 'test-results/dashboard-demo.png', fullPage: true });
      // Every view drawn, the tables behind the charts open: axe-core judges the whole page with demo data.
      await page.waitForSelector('#health[data-state="ready"]');
      await page.waitForSelector('#compare[data-state="ready"]');
      await page.waitForSelector('#insights[data-loaded="true"]');
      await page.waitForSelector('#alerts[data-state="ready"]');
      await page.waitForSelector('#breakdown[data-loaded="true"]');
      await page.$$eval('details', (all) => {
        for (const d of all) (d as HTMLDetailsElement).open = true;
      });
      const violations = await runAxe(page);
      const alertRules = await page.$$eval('#alert-rows tr', (rows) =>
        rows.map((row) => (row as HTMLElement).dataset.rule),
      );
      const splitModels = await page.$$eval('#breakdown-rows tr', (rows) => rows.length);
      await page.locator('#alerts').screenshot({ path: 'docs/dashboard-alerts.png' });
      await page.locator('#breakdown').screenshot({ path: 'docs/dashboard-breakdown.png' });

      // Assess
      expect(violations.filter((v) => SERIOUS_IMPACTS.includes(v.impact))).toEqual([]);
      expect(shown).toBe(new Intl.NumberFormat('en-US').format(manifest.calls));
      expect(budget).toEqual({ status: 'refusing', refused: '2' });
      // The demo's anomaly is among the recent alerts, and the costliest tenant is split by model.
      expect(alertRules).toContain('anomaly');
      expect(splitModels).toBeGreaterThan(0);
      expect(page.url()).not.toContain('token=');
    } finally {
      await browser.close();
    }
  }, 60_000);

  it('stops every process on Ctrl-C and removes its state file', async () => {
    // Prepare
    const { pid, dynamodbPid } = state;

    // Act
    await stack!.interrupt('SIGINT');

    // Assess
    expect(stack!.output()).toContain('Stopped. Nothing is left running.');
    expect(isRunning(pid)).toBe(false);
    expect(isRunning(dynamodbPid)).toBe(false);
    expect(processesMatching(dataDir)).toEqual([]);
    expect(existsSync(stackStateFile(dir))).toBe(false);
  });

  it('replays the whole stream from TRIM_HORIZON after a restart without changing anything', async () => {
    // Prepare
    const alertsBefore = (await readAlerts()).length;

    // Act
    const restarted = await startStack(['--from-trim-horizon'], { [LOCAL_ENV.apiToken]: 'replaytoken42' });
    const api = new MonitorApiClient(state.apiUrl, state.token);
    const after = await snapshot(api);
    // Alerts reach the console through a queue polled every second; give a duplicate the time to show.
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    await restarted.interrupt('SIGINT');

    // Assess
    // Every call record of the stream: the demo's last 24 hours and the anomaly's baseline of earlier weeks.
    expect(restarted.output()).toContain(
      `${REPLAY_LINE} ${manifest.calls + manifest.baseline.calls} call record(s)`,
    );
    expect(state.token).toBe('replaytoken42');
    expect(after).toEqual(before);
    expect((await readAlerts()).length).toBe(alertsBefore);
    expect(restarted.output()).toContain('Stopped. Nothing is left running.');
    expect(processesMatching(dataDir)).toEqual([]);
    expect(isRunning(state.dynamodbPid)).toBe(false);
  }, 240_000);
});

describe('local stack: start-up problems get a clear message', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'local-stack-fail-'));
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('names the port when the API port is taken, and starts nothing', async () => {
    // Prepare
    const port = await freePort();
    const squatter: Server = createServer();
    await new Promise<void>((done) => squatter.listen(port, '127.0.0.1', done));
    const env = { ...process.env, PORT: String(port), CLAUDE_MONITOR_LOCAL_DIR: dir };

    // Act
    const stack = runNpm('start', [], env);
    const code = await stack.exited();
    await new Promise<void>((done) => squatter.close(() => done()));

    // Assess
    expect(code).toBe(1);
    expect(stack.output()).toContain(`cannot listen on 127.0.0.1:${port}: the port is in use`);
    expect(existsSync(stackStateFile(dir))).toBe(false);
  }, 30_000);

  it('says that Java is needed when it is not on the PATH', async () => {
    // Prepare: a PATH that holds Node and nothing else.
    const bin = join(dir, 'bin');
    await mkdir(bin);
    await symlink(process.execPath, join(bin, 'node'));
    const env = { ...process.env, PATH: bin, PORT: String(await freePort()), CLAUDE_MONITOR_LOCAL_DIR: dir };

    // Act
    const child = spawn(process.execPath, ['node_modules/tsx/dist/cli.mjs', 'infra/local/start.ts'], {
      cwd: REPO_ROOT,
      env,
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const code = await new Promise<number | null>((done) => child.once('exit', done));

    // Assess
    expect(code).toBe(1);
    expect(output).toContain('Java 17 or newer is needed to run DynamoDB Local');
  }, 30_000);
});
