// The Official Immunization Record from the real app: print José Núñez's record, look at the
// preview, save it as PDF and read the file back (pdftotext), try the printer (no CUPS printer
// on the test machine: the app must say so), and verify the saved file on "Verify a record".
//
// The native Save/Open dialogs cannot be driven through WebDriver: run.sh sets
// SHOTBOOK_TEST_SAVE_PATH / SHOTBOOK_TEST_OPEN_PATH, which the app's Rust dialog adapter
// (src-tauri/src/dialog.rs) takes as the user's answer instead of showing the dialog.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { launchApp, byTestId, screenshot, signInAndAgree } from './app.mjs';

const SAVE_PATH = process.env.SHOTBOOK_TEST_SAVE_PATH;
const OPEN_PATH = process.env.SHOTBOOK_TEST_OPEN_PATH;

let browser;
before(async () => {
  assert.ok(SAVE_PATH && OPEN_PATH, 'run.sh sets the dialog answers');
  browser = await launchApp();
});
after(async () => {
  await browser?.deleteSession();
});

test('a provider prints José Núñez’s record and sees the preview', async () => {
  await signInAndAgree(browser, 'TX0001', 'tx.provider');
  const menuSearch = await byTestId(browser, 'menu-search');
  await menuSearch.waitForDisplayed({ timeout: 30_000 });
  await menuSearch.click();
  const last = await byTestId(browser, 'search-last-name');
  await last.waitForDisplayed({ timeout: 10_000 });
  await last.setValue('Nunez');
  await (await byTestId(browser, 'search-dob')).setValue('11/03/1958');
  await (await byTestId(browser, 'search-submit')).click();
  const name = await byTestId(browser, 'client-name');
  await name.waitForDisplayed({ timeout: 15_000 });
  assert.match(await name.getText(), /Núñez/);

  await (await byTestId(browser, 'print-record')).click();
  const preview = await byTestId(browser, 'print-preview');
  await preview.waitForDisplayed({ timeout: 20_000 });
  assert.equal(await (await byTestId(browser, 'preview-client-name')).getText(), 'Núñez, José Luis');
  const rows = await browser.$$('[data-testid="preview-row"]');
  assert.ok(rows.length >= 5, `five doses in the preview, saw ${rows.length}`);
  assert.match(await preview.getText(), /Page 1 of 1/);
  assert.match(await preview.getText(), /02\/11\/2019/);
  await screenshot(browser, 'print-01-preview');
});

test('Save as PDF writes the record, and its text shows the name and every dose date', async () => {
  await (await byTestId(browser, 'save-pdf')).click();
  const notice = await byTestId(browser, 'print-notice');
  await notice.waitForDisplayed({ timeout: 20_000 });
  assert.match(await notice.getText(), /Saved to/);
  assert.ok(existsSync(SAVE_PATH), `the PDF was written to ${SAVE_PATH}`);
  assert.equal(readFileSync(SAVE_PATH).subarray(0, 4).toString(), '%PDF');
  const text = execFileSync('pdftotext', ['-layout', SAVE_PATH, '-'], { encoding: 'utf8' });
  assert.match(text, /Núñez, José Luis/);
  assert.match(text, /Official Immunization Record/);
  for (const date of ['10/02/2012', '02/11/2019', '05/13/2019', '01/22/2024', '10/20/2025']) {
    assert.ok(text.includes(date), `dose date ${date} is in the PDF text`);
  }
});

test('Print says plainly that no printer is configured', async () => {
  await (await byTestId(browser, 'send-to-printer')).click();
  const error = await byTestId(browser, 'print-error');
  await error.waitForDisplayed({ timeout: 20_000 });
  assert.match(await error.getText(), /No printer is configured|no printing system/i);
  await screenshot(browser, 'print-02-no-printer');
  await (await byTestId(browser, 'close-preview')).click();
  await preview().waitForExist({ reverse: true, timeout: 10_000 });
});

function preview() {
  return browser.$('[data-testid="print-preview"]');
}

test('Verify a record checks the saved PDF and lists the signed facts', async () => {
  await (await byTestId(browser, 'menu-verify-record')).click();
  await (await byTestId(browser, 'verify-file')).waitForDisplayed({ timeout: 10_000 });
  await (await byTestId(browser, 'verify-file')).click();
  const result = await byTestId(browser, 'verify-result');
  await result.waitForDisplayed({ timeout: 20_000 });
  assert.equal(await result.getAttribute('data-valid'), 'true', await result.getText());
  const facts = await (await byTestId(browser, 'verify-facts')).getText();
  assert.match(facts, /Name Núñez, José Luis/);
  assert.match(facts, /02\/11\/2019 CVX 187/);

  // A pasted code with one character changed is refused, with the reason.
  const payload = readFileSync(SAVE_PATH, 'latin1').match(/SHOTBOOK-OIR1:[A-Za-z0-9_-]+/)[0];
  const i = payload.length - 10;
  const altered = payload.slice(0, i) + (payload[i] === 'A' ? 'B' : 'A') + payload.slice(i + 1);
  await (await byTestId(browser, 'verify-payload')).setValue(altered);
  await (await byTestId(browser, 'verify-submit')).click();
  await browser.waitUntil(async () => (await result.getAttribute('data-valid')) === 'false', {
    timeout: 15_000,
    timeoutMsg: 'the altered code was not refused',
  });
  assert.match(await (await byTestId(browser, 'verify-reason')).getText(), /signature|damaged/i);
  await screenshot(browser, 'print-03-verify-invalid');
});
