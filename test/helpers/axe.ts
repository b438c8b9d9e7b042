import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

/** Impacts the dashboard must never have. */
export const SERIOUS_IMPACTS: readonly (string | null | undefined)[] = ['serious', 'critical'];

/** What the tests read of one axe-core violation: enough to find and fix it from the failure message. */
export interface AxeViolation {
  id: string;
  impact: string | null | undefined;
  help: string;
  nodes: { target: string; summary: string | undefined }[];
}

let source: Promise<string> | undefined;

/**
 * Runs axe-core (the devDependency, WCAG 2.x A and AA rules and best practices) on the page as it stands
 * and returns every violation. The script is evaluated through the DevTools protocol rather than added as
 * a `<script>`, so the page keeps its strict CSP while it is checked.
 */
export const runAxe = async (page: Page): Promise<AxeViolation[]> => {
  source ??= readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
  await page.evaluate(await source);
  return page.evaluate(async () => {
    // biome-ignore lint/suspicious/noExplicitAny: axe-core is loaded into the page, not imported here
    const axe = (window as any).axe;
    const result = await axe.run(document, { resultTypes: ['violations'] });
    return result.violations.map(
      // biome-ignore lint/suspicious/noExplicitAny: the shape is axe-core's result format
      (v: any) => ({
        id: v.id,
        impact: v.impact,
        help: v.help,
        // biome-ignore lint/suspicious/noExplicitAny: as above
        nodes: v.nodes.map((n: any) => ({ target: n.target.join(' '), summary: n.failureSummary })),
      }),
    );
  });
};
