// The coverage report in the real app: a provider runs the organization's immunization
// coverage for the default cohorts, sees numerators, denominators and percentages by birth
// year and age point, and a range typed backwards is refused by field. Then reminder/recall:
// the cohort preview, letters and labels written and read back, and a rerun that skips the
// clients just notified unless forced.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
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

test('the coverage export writes the measures and the whole missed-opportunity list', async () => {
  // The screen still shows the default cohorts' report; the export writes that one, whatever
  // the form holds now (the backwards range of the last test).
  const saveTo = process.env.SHOTBOOK_TEST_SAVE_PATH;
  assert.ok(saveTo, 'run.sh sets the Save dialog answer');
  const summary = await (await byTestId(browser, 'coverage-summary')).getText();
  await (await byTestId(browser, 'coverage-csv')).click();
  const notice = await byTestId(browser, 'coverage-notice');
  await notice.waitForDisplayed({ timeout: 60_000 });
  assert.match(await notice.getText(), /^Saved /);
  const lines = readFileSync(saveTo, 'utf8').trim().split('\n');
  const [from, to] = summary.match(/\d\d\/\d\d\/\d{4}/g);
  assert.match(lines[0], new RegExp(`Born ${from} to ${to}`));
  assert.equal(lines[1], 'Birth year,Age point,Measure,Measure code,Up to date,Assessed,Coverage %,Too young,Left the denominator');
  assert.ok(lines.some((l) => /^\d{4},by 24 months,4\+ DTaP,dtap_4,\d+,\d+,/.test(l)), 'a DTaP row');
  const missedAt = lines.findIndex((l) => l.startsWith('Missed opportunities: '));
  assert.ok(missedAt > 2, 'the missed-opportunity part follows the measures');
  const [, listed, total] = lines[missedAt].match(/^Missed opportunities: (\d+) listed of (\d+)/);
  assert.equal(lines.length - missedAt - 2, Number(listed));
  assert.ok(Number(listed) <= Number(total));
  await screenshot(browser, 'reports-01b-coverage-exported');
});

test('a provider previews reminders, prints letters and labels, and a rerun skips the notified', async () => {
  const menu = await byTestId(browser, 'menu-recall');
  await menu.waitForDisplayed({ timeout: 30_000 });
  await menu.click();
  // The default cohort: clients aged 19 to 35 months, due or overdue, by mail.
  await (await byTestId(browser, 'recall-preview')).click();
  const notify = await byTestId(browser, 'recall-count-notify');
  await notify.waitForDisplayed({ timeout: 60_000 });
  const count = Number((await notify.getText()).match(/^(\d+)/)[1]);
  assert.ok(count > 0, 'the demo clinic has toddlers due for vaccines');
  const lines = await browser.$$('[data-testid="recall-line"]');
  assert.equal(lines.length, Math.min(count, 500));
  await screenshot(browser, 'reports-02-recall-preview');

  const folder = process.env.SHOTBOOK_TEST_FOLDER;
  mkdirSync(folder, { recursive: true });
  await (await byTestId(browser, 'recall-create')).click();
  const done = await byTestId(browser, 'recall-done');
  await done.waitForDisplayed({ timeout: 120_000 });
  assert.match(await done.getText(), new RegExp(`^${count} client\\(s\\) notified`));
  const files = readdirSync(folder).filter((f) => f.startsWith('Reminders-TX0001-'));
  const letters = files.find((f) => f.endsWith('-letters.pdf'));
  const labels = files.find((f) => f.endsWith('-labels.pdf'));
  assert.ok(letters && labels, `letters and labels written: ${files}`);
  const text = execFileSync('pdftotext', [join(folder, letters), '-']).toString();
  assert.match(text, /Immunization reminder|Recordatorio de vacunas/);
  assert.equal((text.match(/\f/g) ?? []).length, count, 'one letter page per client');
  await screenshot(browser, 'reports-03-recall-done');

  // The same cohort again: everyone was just notified, so nobody is, unless forced.
  await (await byTestId(browser, 'recall-preview')).click();
  await browser.waitUntil(async () => (await notify.getText()).startsWith('0 '), {
    timeout: 60_000,
    timeoutMsg: 'the rerun notifies nobody',
  });
  const recent = await browser.$('[data-testid="recall-excluded"][data-code="notified_recently"]');
  assert.match(await recent.getText(), new RegExp(`^${count} `));
  await (await byTestId(browser, 'recall-force')).click();
  await (await byTestId(browser, 'recall-preview')).click();
  await browser.waitUntil(async () => (await notify.getText()).startsWith(`${count} `), {
    timeout: 60_000,
    timeoutMsg: 'a forced rerun notifies them again',
  });
});

test('a VFC provider counts the doses the clinic gave by vaccine, age band and eligibility', async () => {
  const menu = await byTestId(browser, 'menu-doses');
  await menu.click();
  const summary = await byTestId(browser, 'doses-summary');
  await summary.waitForDisplayed({ timeout: 30_000 });
  // From the first of this month a year ago to today: the demo clinic's own doses.
  const from = await byTestId(browser, 'doses-from');
  const [mm, , yyyy] = (await (await byTestId(browser, 'doses-to')).getValue()).split('/');
  await from.clearValue();
  await from.setValue(`${mm}/01/${Number(yyyy) - 1}`);
  await (await byTestId(browser, 'doses-run')).click();
  await browser.waitUntil(async () => /[1-9]\d* dose\(s\) given/.test(await summary.getText()), {
    timeout: 30_000,
    timeoutMsg: 'the demo clinic gave doses in the last two years',
  });
  const vaccines = await browser.$$('[data-testid="doses-vaccine"] [data-testid="doses-line"]');
  assert.ok(vaccines.length > 0);
  assert.match(await vaccines[0].getText(), /\(CVX \d+\)/);
  await screenshot(browser, 'reports-04-doses-administered');
});
