import AxeBuilder from '@axe-core/playwright';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

/**
 * Debian's Chromium driven by playwright-core (Playwright's own browser download cannot reach
 * its servers here); test/browser/install-chromium.sh installs it when absent.
 */
export const chromiumPath = process.env.CARELEDGER_CHROMIUM ?? '/usr/bin/chromium';
export const screenshotDir = path.join(__dirname, 'screenshots');

export function launchBrowser(): Promise<Browser> {
    if (!fs.existsSync(chromiumPath)) {
        throw new Error(`${chromiumPath} is missing: run bash test/browser/install-chromium.sh`);
    }
    return chromium.launch({ executablePath: chromiumPath, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
}

/** axe-core on the page as it is now: the serious and critical violations (expected: none). */
export async function seriousViolations(page: Page, label: string): Promise<string[]> {
    const results = await new AxeBuilder({ page }).analyze();
    const serious = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    const entry = {
        page: label,
        ledger: process.env.CARELEDGER_LEDGER ?? 'embedded',
        serious: serious.length,
        others: results.violations.filter((v) => !serious.includes(v)).map((v) => `${v.id} (${v.impact})`),
        passes: results.passes.length,
    };
    axeLog.push(entry);
    // One line per page checked, for the report (ignored by git with the screenshots).
    fs.mkdirSync(screenshotDir, { recursive: true });
    fs.appendFileSync(path.join(screenshotDir, 'axe.jsonl'), `${JSON.stringify(entry)}\n`);
    return serious.map(
        (v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
    );
}

/** Every axe run of this process, for the report. */
export const axeLog: Array<{ page: string; ledger: string; serious: number; others: string[]; passes: number }> = [];

export async function screenshot(page: Page, name: string): Promise<void> {
    fs.mkdirSync(screenshotDir, { recursive: true });
    await page.screenshot({ path: path.join(screenshotDir, `${name}.png`), fullPage: true });
}
