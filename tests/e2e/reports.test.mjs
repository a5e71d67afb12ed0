// The coverage report in the real app: a provider runs the organization's immunization
// coverage for the default cohorts, sees numerators, denominators and percentages by birth
// year and age point, and a range typed backwards is refused by field.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launchApp, byTestId, screenshot, signInAndAgree } from './app.mjs';

let browser;
before(async () => {
  browser = await launchApp();
});
after(async () => {
  await browser?.deleteSession();
});

test('a provider sees the organization’s coverage by birth cohort', async () => {
  await signInAndAgree(browser, 'TX0001', 'tx.provider');
  const menu = await byTestId(browser, 'menu-coverage');
  await menu.waitForDisplayed({ timeout: 30_000 });
  await menu.click();
  const summary = await byTestId(browser, 'coverage-summary');
  await summary.waitForDisplayed({ timeout: 30_000 });
  assert.match(await summary.getText(), /client\(s\) born 01\/01\/\d{4} to 12\/31\/\d{4}/);
  const rows = await browser.$$('[data-testid="coverage-row"]');
  assert.ok(rows.length > 0, 'at least one measure row');
  const combined = await browser.$('[data-testid="coverage-row"][data-measure="combined_4313314"]');
  assert.match(await combined.getText(), /\d+ \/ \d+\s+\d+\.\d%/);
  await screenshot(browser, 'reports-01-coverage');
});

test('a birth range typed backwards is refused on its field and kept', async () => {
  const from = await byTestId(browser, 'coverage-born-from');
  await from.clearValue();
  await from.setValue('01/01/2024');
  const to = await byTestId(browser, 'coverage-born-to');
  await to.clearValue();
  await to.setValue('01/01/2022');
  await (await byTestId(browser, 'coverage-run')).click();
  const error = await browser.$('#coverage-born-to-error');
  await error.waitForDisplayed({ timeout: 10_000 });
  assert.match(await error.getText(), /comes before the first/);
  assert.equal(await from.getValue(), '01/01/2024');
});
