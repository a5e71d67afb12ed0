// Finding a child three ways in the Quick search box, and with a typo'd Smart search.
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

async function openSearch() {
  await (await byTestId(browser, 'menu-search')).click();
  const quick = await byTestId(browser, 'quick-search-input');
  await quick.waitForDisplayed({ timeout: 15_000 });
  return quick;
}

async function expectSofiasRecord(how) {
  const name = await byTestId(browser, 'client-name');
  await name.waitForDisplayed({ timeout: 15_000, timeoutMsg: `${how}: the record did not open` });
  assert.match(await name.getText(), /Sofia/, how);
  assert.match(await name.getText(), /Martinez/, how);
}

test('quick search finds Sofia Martinez by name and DOB, by client ID, and as "last, first" with a compact date', async () => {
  await signInAndAgree(browser, 'TX0001', 'tx.provider');
  await (await byTestId(browser, 'menu-search')).waitForDisplayed({ timeout: 30_000 });
  const typed = ['martinez 3/14/2019', '9000000001', 'Martinez, Sofia 031419'];
  for (const [i, text] of typed.entries()) {
    const quick = await openSearch();
    await quick.clearValue();
    await quick.setValue(text);
    await (await byTestId(browser, 'quick-search-submit')).click();
    await expectSofiasRecord(`"${text}"`);
  }
  await screenshot(browser, '31-quick-search-opened-record');
});

test('a smart search with a misspelled name still finds the child, first, with the reasons', async () => {
  await openSearch();
  await (await byTestId(browser, 'search-clear')).click();
  await (await byTestId(browser, 'search-smart-toggle')).click();
  await (await byTestId(browser, 'search-smart-hint')).waitForDisplayed({ timeout: 5_000 });
  await (await byTestId(browser, 'search-last-name')).setValue('Martines');
  await (await byTestId(browser, 'search-dob')).setValue('03/14/2019');
  await (await byTestId(browser, 'search-submit')).click();

  // Several possible matches are listed by score; Sofia (a likely match) comes first.
  await browser.waitUntil(async () => (await browser.$$('[data-testid="search-result-row"]')).length > 0, {
    timeout: 15_000,
    timeoutMsg: 'expected a ranked list of possible matches',
  });
  const rows = await browser.$$('[data-testid="search-result-row"]');
  const first = rows[0];
  assert.match(await first.getText(), /Martinez, Sofia/);
  const reasons = await (await first.$('[data-testid="search-result-reasons"]')).getText();
  assert.match(reasons, /DOB exact/);
  assert.match(reasons, /surname (nearly identical|sounds alike)/);
  const score = Number(await (await first.$('[data-testid="search-result-score"]')).getText().then((t) => t.split(/\s/)[0]));
  assert.ok(score >= 12, `a likely match scores at least 12, saw ${score}`);
  await screenshot(browser, '32-smart-search-ranked');
  await (await first.$('th')).click();
  await expectSofiasRecord('the ranked row');
});
