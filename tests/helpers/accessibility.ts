// Accessibility checks in the browser suites: axe-core (WCAG 2.1 A and AA) run in the page, and a
// screenshot of what was scanned into test-artifacts/. axe is evaluated through the DevTools
// protocol, so a page's CSP does not stop it and needs no bypass.
import assert from 'node:assert/strict';
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { PROJECT_ROOT } from '../../broker/config.js';

export const ARTIFACTS = path.join(PROJECT_ROOT, 'test-artifacts');
const AXE = path.join(PROJECT_ROOT, 'node_modules', 'axe-core', 'axe.min.js');

export interface AxeViolation {
  readonly id: string;
  readonly impact: string | null;
  readonly help: string;
  /** CSS selectors of the offending nodes */
  readonly targets: readonly string[];
}

/** The WCAG 2.1 A/AA violations axe-core finds on the page as it is now. */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  await page.evaluate(await readFile(AXE, 'utf8'));
  return page.evaluate(async () => {
    type Result = { violations: { id: string; impact: string | null; help: string; nodes: { target: string[] }[] }[] };
    const axe = (globalThis as unknown as { axe: { run(ctx: unknown, opts: unknown): Promise<Result> } }).axe;
    const r = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map((n) => n.target.join(' ')) }));
  });
}

export function describeViolation(v: AxeViolation): string {
  return `${v.impact ?? 'unknown'} ${v.id}: ${v.help} (${v.targets.slice(0, 3).join('; ')})`;
}

/** A full-page screenshot into test-artifacts/<name>.png. */
export async function screenshot(page: Page, name: string): Promise<void> {
  await mkdir(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });
}

/** A screenshot for the record, then no WCAG 2.1 A/AA violation at all. */
export async function expectNoAxeViolations(page: Page, name: string): Promise<void> {
  await screenshot(page, name);
  assert.deepEqual((await axeViolations(page)).map(describeViolation), [], `axe on ${page.url()}`);
}
