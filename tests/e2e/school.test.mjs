// The school module in the real app: a Texas school's user makes a student list, finds a
// student by name and date of birth, imports a roster (one row already listed, one nobody,
// one unreadable), reads the compliance report, records an exemption, exports the CSV and
// prints the letters to parents (the PDF's text read back with pdftotext).
//
// The native Save dialog cannot be driven through WebDriver: run.sh sets
// SHOTBOOK_TEST_SAVE_PATH, which the app's dialog adapter takes as the user's answer.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { launchApp, byTestId, screenshot, signInAndAgree } from './app.mjs';

const SAVE_PATH = process.env.SHOTBOOK_TEST_SAVE_PATH;

let browser;
before(async () => {
  assert.ok(SAVE_PATH, 'run.sh sets the Save dialog answer');
  browser = await launchApp();
});
after(async () => {
  await browser?.deleteSession();
});

async function type(id, text) {
  const input = await byTestId(browser, id);
  await input.waitForDisplayed({ timeout: 10_000 });
  await input.setValue(text);
}

async function studentRow(lastName) {
  const rows = await browser.$$('[data-testid="school-student"]');
  for (const row of rows) {
    if ((await row.getText()).includes(lastName)) return row;
  }
  return null;
}

test('a school user makes a list and adds a student found by name and date of birth', async () => {
  await signInAndAgree(browser, 'TXSCH1', 'tx.school');
  const menu = await byTestId(browser, 'menu-school');
  await menu.waitForDisplayed({ timeout: 30_000 });
  await menu.click();
  await (await byTestId(browser, 'school-new-list')).click();
  await type('school-new-name', 'Grade 1 — Room 12');
  await (await byTestId(browser, 'school-new-setting')).selectByAttribute('value', 'school');
  await (await browser.$('[data-testid="school-create-form"] button[type="submit"]')).click();
  const name = await byTestId(browser, 'school-list-name');
  await name.waitForDisplayed({ timeout: 15_000 });
  assert.equal(await name.getText(), 'Grade 1 — Room 12');

  await type('school-find-last', 'Martinez');
  await type('school-find-first', 'Sofia');
  await type('school-find-dob', '03/14/2019');
  await type('school-find-grade', '1');
  await (await byTestId(browser, 'school-find')).click();
  const found = await byTestId(browser, 'school-found');
  await found.waitForDisplayed({ timeout: 15_000 });
  assert.match(await found.getText(), /Martinez, Sofia/);
  await (await byTestId(browser, 'school-add')).click();
  const report = await byTestId(browser, 'school-report');
  await report.waitForDisplayed({ timeout: 15_000 });
  const row = await studentRow('Martinez');
  assert.ok(row, 'Sofia is on the list');
  const status = await row.getAttribute('data-status');
  assert.ok(
    ['complete', 'incomplete', 'conditional', 'exempt'].includes(status),
    `an assessed status, saw ${status}`,
  );
});

test('a pasted roster adds who it finds and lists what needs the user', async () => {
  await (await byTestId(browser, 'school-roster-open')).click();
  const roster = [
    'Last Name,First Name,DOB,Grade',
    'Martinez,Sofia,03/14/2019,1',
    'Nobody,Here,01/01/2018,2',
    'Kim,Ana,02/30/2018,2',
  ].join('\n');
  // A pasted roster arrives whole (typing its line breaks through WebDriver is not pasting).
  const area = await byTestId(browser, 'school-roster-text');
  await area.waitForDisplayed({ timeout: 10_000 });
  await browser.execute(
    (el, text) => {
      el.value = text;
      el.dispatchEvent(new Event('input', { bubbles: true }));
    },
    area,
    roster,
  );
  await (await byTestId(browser, 'school-roster-import')).click();
  const summary = await byTestId(browser, 'school-roster-summary');
  await summary.waitForDisplayed({ timeout: 20_000 });
  assert.match(await summary.getText(), /0 student\(s\) added.*2 line\(s\) need you/s);
  const notFound = await browser.$('[data-testid="school-roster-line"][data-outcome="not_found"]');
  assert.match(await notFound.getText(), /Nobody, Here/);
  const unreadable = await byTestId(browser, 'school-roster-unreadable');
  assert.match(await unreadable.getText(), /4\s*Date of birth\s*02\/30\/2018 is not a real calendar date/);
  await screenshot(browser, 'school-01-roster-and-report');
});

test('an exemption on file is kept and shown on the report', async () => {
  const row = await studentRow('Martinez');
  await (await row.$('[data-testid="school-edit"]')).click();
  const form = await byTestId(browser, 'school-edit-form');
  await form.waitForDisplayed({ timeout: 10_000 });
  // A bad date is refused by field and the form keeps what was typed.
  await (await byTestId(browser, 'school-edit-exemption')).selectByAttribute('value', 'medical');
  await type('school-edit-signed', '13/01/2026');
  await (await byTestId(browser, 'school-edit-save')).click();
  const error = await browser.$('#edit-exemption-signed-error');
  await error.waitForDisplayed({ timeout: 10_000 });
  assert.equal(await (await byTestId(browser, 'school-edit-signed')).getValue(), '13/01/2026');
  await (await byTestId(browser, 'school-edit-signed')).clearValue();
  await type('school-edit-signed', '09/01/2026');
  await (await byTestId(browser, 'school-edit-save')).click();
  await form.waitForExist({ reverse: true, timeout: 10_000 });
  const notice = await byTestId(browser, 'school-notice');
  await notice.waitForDisplayed({ timeout: 10_000 });
  const after = await studentRow('Martinez');
  assert.ok(after);
  await screenshot(browser, 'school-02-exemption');
});

test('Export CSV writes one row per student', async () => {
  await (await byTestId(browser, 'school-export')).click();
  const notice = await byTestId(browser, 'school-notice');
  await browser.waitUntil(async () => /Saved 1 student/.test(await notice.getText()), {
    timeout: 20_000,
    timeoutMsg: 'the export notice',
  });
  const csv = readFileSync(SAVE_PATH, 'utf8');
  const lines = csv.trim().split('\n');
  assert.match(lines[0], /^Last Name,First Name,Date of Birth,Grade,Status/);
  assert.equal(lines.length, 2);
  assert.match(lines[1], /^Martinez,Sofia,03\/14\/2019,1,/);
  assert.match(lines[1], /medical signed 09\/01\/2026/);
});

test('Parent letters print one page per student who needs doses, and the PDF says which', async () => {
  // As a seventh-grader Sofia would need the adolescent doses: change her grade.
  const row = await studentRow('Martinez');
  await (await row.$('[data-testid="school-edit"]')).click();
  const grade = await byTestId(browser, 'school-edit-grade');
  await grade.waitForDisplayed({ timeout: 10_000 });
  await grade.clearValue();
  await grade.setValue('7');
  // Without the exemption on file (it would cover every vaccine).
  await (await byTestId(browser, 'school-edit-exemption')).selectByAttribute('value', '');
  await (await byTestId(browser, 'school-edit-save')).click();
  await browser.waitUntil(
    async () => (await (await studentRow('Martinez'))?.getAttribute('data-status')) === 'incomplete',
    { timeout: 15_000, timeoutMsg: 'Sofia is incomplete in grade 7' },
  );
  await (await byTestId(browser, 'school-letters')).click();
  const notice = await byTestId(browser, 'school-notice');
  await browser.waitUntil(async () => /Saved 1 letter/.test(await notice.getText()), {
    timeout: 20_000,
    timeoutMsg: 'the letters notice',
  });
  assert.equal(readFileSync(SAVE_PATH).subarray(0, 4).toString(), '%PDF');
  const text = execFileSync('pdftotext', ['-layout', SAVE_PATH, '-'], { encoding: 'utf8' });
  assert.match(text, /To the parent or guardian of Sofia Martinez/);
  assert.match(text, /grade 7/);
  assert.match(text, /can be given from \d\d\/\d\d\/\d{4}/);
  await screenshot(browser, 'school-03-letters');
});
