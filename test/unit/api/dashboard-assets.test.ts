import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DASHBOARD_ASSETS } from '../../../functions/api/dashboard/assets';
import { DASHBOARD_FILES } from '../../../infra/constructs/monitor-api';

const ROOT = new URL('../../../', import.meta.url);

describe('dashboard assets', () => {
  it('bundles every file the API serves, and each one exists', () => {
    // Act
    const bundled = DASHBOARD_FILES.map((file) => basename(file));

    // Assess: a file served locally but left out of the Lambda bundle would be a 500 only once deployed.
    expect([...bundled].sort()).toEqual(Object.keys(DASHBOARD_ASSETS).sort());
    for (const file of DASHBOARD_FILES) expect(existsSync(new URL(file, ROOT))).toBe(true);
  });

  it('has the page load only scripts and style sheets the API serves', async () => {
    // Prepare
    const html = await readFile(new URL('functions/api/dashboard/index.html', ROOT), 'utf8');

    // Act
    const loaded = [...html.matchAll(/(?:src|href)="\.\/([^"]+)"/g)].map((m) => m[1]);

    // Assess
    expect(loaded.length).toBeGreaterThan(5);
    expect(loaded.filter((name) => !Object.hasOwn(DASHBOARD_ASSETS, name!))).toEqual([]);
  });
});
