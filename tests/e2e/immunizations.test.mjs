// Recording doses in the real app: a provider gives a Tdap dose from the clinic's lot (the lot's
// count drops by one), copies three doses from a shot card at once, voids one with a reason and
// scans a vial barcode into the entry form; Vaccine Mgmt sees the inventory with its alerts.
// Uses the training client Nguyễn Thị Ánh, whom the other e2e files do not change.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launchApp, byTestId, screenshot, signIn, agreeIfAsked } from './app.mjs';

let browser;
before(async () => {
  browser = await launchApp();
});
after(async () => {
  await browser?.deleteSession();
});

/** Ids of the client's doses shown, with their status (a dose may appear under two groups). */
async function doseStatuses() {
  const rows = await browser.$$('[data-testid="immunization-row"]');
  const out = new Map();
  for (const row of rows) out.set(await row.getAttribute('data-dose-id'), await row.getAttribute('data-status'));
  return out;
}

/** The inventory lot option whose text contains `product`, and its on-hand count. */
async function lotOption(product) {
  const select = await byTestId(browser, 'dose-lot');
  await browser.waitUntil(async () => (await select.$$('option')).length > 1, {
    timeout: 15_000,
    timeoutMsg: 'the inventory lots did not load',
  });
  for (const option of await select.$$('option')) {
    const text = await option.getText();
    if (text.includes(product)) {
      const count = Number(/\((\d+) on hand\)/.exec(text)?.[1]);
      return { value: await option.getAttribute('value'), count, text };
    }
  }
  throw new Error(`no lot of ${product}`);
}

async function waitForNotice(pattern) {
  const notice = await byTestId(browser, 'dose-notice');
  await notice.waitForDisplayed({ timeout: 20_000 });
  assert.match(await notice.getText(), pattern);
}

test('a provider opens Nguyễn Thị Ánh and gives a Tdap dose from the clinic lot', async () => {
  await signIn(browser, 'TX0001', 'tx.provider');
  assert.ok(await agreeIfAsked(browser));
  const menuSearch = await byTestId(browser, 'menu-search');
  await menuSearch.waitForDisplayed({ timeout: 30_000 });
  await menuSearch.click();
  const last = await byTestId(browser, 'search-last-name');
  await last.waitForDisplayed({ timeout: 10_000 });
  await last.setValue('Nguyen');
  await (await byTestId(browser, 'search-dob')).setValue('07/21/1990');
  await (await byTestId(browser, 'search-submit')).click();
  await (await byTestId(browser, 'client-name')).waitForDisplayed({ timeout: 15_000 });
  const before = await doseStatuses();

  await (await byTestId(browser, 'add-administered-dose')).click();
  const boostrix = await lotOption('BOOSTRIX');
  assert.ok(boostrix.count > 0, boostrix.text);
  await (await byTestId(browser, 'dose-lot')).selectByAttribute('value', boostrix.value);
  await browser.waitUntil(async () => (await (await byTestId(browser, 'dose-cvx')).getValue()) === '115', {
    timeout: 5_000,
    timeoutMsg: 'choosing the lot fills CVX 115',
  });
  await (await byTestId(browser, 'dose-site')).selectByAttribute('value', 'LD');
  await screenshot(browser, '30-administered-dose-form');
  await (await byTestId(browser, 'dose-save')).click();
  await waitForNotice(/Dose saved/);

  const after = await doseStatuses();
  const added = [...after.keys()].filter((id) => !before.has(id));
  assert.equal(added.length, 1, 'one new dose');
  const table = await byTestId(browser, 'immunization-table');
  assert.match(await table.getText(), /9P2C7/, 'the lot number is shown');
  await screenshot(browser, '31-administered-dose-saved');

  // The lot's count dropped by one.
  await (await byTestId(browser, 'add-administered-dose')).click();
  const again = await lotOption('BOOSTRIX');
  assert.equal(again.count, boostrix.count - 1, `${boostrix.text} → ${again.text}`);
  await (await byTestId(browser, 'dose-cancel')).click();
});

test('three doses from a shot card are added at once', async () => {
  const before = await doseStatuses();
  await (await byTestId(browser, 'add-historical-doses')).click();
  await (await byTestId(browser, 'historical-form')).waitForDisplayed({ timeout: 10_000 });
  const card = [
    ['03', '08/01/1991', 'Houston Health Department'],
    ['03', '09/05/1995', ''],
    ['21', '09/05/1995', ''],
  ];
  const cvx = await browser.$$('[data-testid="historical-cvx"]');
  const dates = await browser.$$('[data-testid="historical-date"]');
  const providers = await browser.$$('[data-testid="historical-provider"]');
  // The vaccine list loads after the panel opens.
  await browser.waitUntil(async () => (await cvx[0].$$('option')).length > 100, { timeout: 15_000 });
  for (const [i, [code, date, provider]] of card.entries()) {
    await cvx[i].selectByAttribute('value', code);
    await dates[i].setValue(date);
    if (provider) await providers[i].setValue(provider);
  }
  await screenshot(browser, '32-historical-doses-form');
  await (await byTestId(browser, 'historical-save')).click();
  await waitForNotice(/3 doses saved/);
  const after = await doseStatuses();
  assert.equal([...after.keys()].filter((id) => !before.has(id)).length, 3);
  assert.match(await (await byTestId(browser, 'immunization-table')).getText(), /Houston Health Department/);
  await screenshot(browser, '33-historical-doses-saved');
});

test('a dose is voided with a reason and stays in the record struck through', async () => {
  const varicella = await browser.$('[data-testid="immunization-group"][data-group="VARICELLA"] [data-testid="immunization-row"]');
  await varicella.waitForDisplayed({ timeout: 10_000 });
  const id = await varicella.getAttribute('data-dose-id');
  // The last row sits on the table's horizontal scroll bar, where WebKitWebDriver refuses to
  // click; a keyboard user's Tab + Enter reaches it the same way.
  await browser.execute((el) => el.focus(), await varicella.$('[data-testid="dose-void"]'));
  await browser.keys('Enter');
  const reason = await byTestId(browser, 'void-reason-input');
  await reason.waitForDisplayed({ timeout: 5_000 });
  // A void needs a reason.
  await (await byTestId(browser, 'void-submit')).click();
  await (await browser.$('[data-testid="void-form"] .field-error')).waitForDisplayed({ timeout: 10_000 });
  await reason.setValue('Shot card lists varicella titer, not a dose');
  await screenshot(browser, '34-void-dose');
  await (await byTestId(browser, 'void-submit')).click();
  await waitForNotice(/Dose voided/);
  const row = await browser.$(`[data-testid="immunization-row"][data-dose-id="${id}"]`);
  assert.equal(await row.getAttribute('data-status'), 'entered_in_error');
  assert.match(await (await row.$('[data-testid="void-reason"]')).getText(), /varicella titer/);
  assert.equal(await (await row.$('[data-testid="dose-void"]')).isExisting(), false, 'no second void');
  await screenshot(browser, '35-dose-voided');
});

test('scanning a vial fills product, lot and expiry, and a bad scan changes nothing', async () => {
  await (await byTestId(browser, 'add-administered-dose')).click();
  const mmr = await lotOption('M-M-R II');
  const scan = await byTestId(browser, 'dose-scan-input');
  // M-M-R II vial (GTIN 00300064681017), lot Y015329, expiry 12/31/2027, as a keyboard-wedge
  // scanner set to send ^ for the group separator types it, ending with Enter.
  await scan.setValue(']d2010030006468101710Y015329^17271231');
  await browser.keys('Enter');
  const result = await byTestId(browser, 'dose-scan-result');
  await result.waitForDisplayed({ timeout: 10_000 });
  assert.match(await result.getText(), /M-M-R II/);
  assert.match(await result.getText(), /Y015329 is in your inventory/);
  assert.equal(await (await byTestId(browser, 'dose-lot')).getValue(), mmr.value, 'the inventory lot is chosen');
  assert.equal(await (await byTestId(browser, 'dose-cvx')).getValue(), '03');
  assert.equal(await (await byTestId(browser, 'dose-mvx')).getValue(), 'MSD');
  await screenshot(browser, '36-vial-scanned');

  await scan.setValue('0100399999999991');
  await browser.keys('Enter');
  const error = await browser.$('[data-testid^="field-error-"][data-testid$="-scan"]');
  await error.waitForDisplayed({ timeout: 10_000 });
  assert.match(await error.getText(), /not in CDC's vaccine NDC table/);
  assert.equal(await (await byTestId(browser, 'dose-lot')).getValue(), mmr.value, 'the form is unchanged');
  await screenshot(browser, '37-vial-scan-unknown');
  await (await byTestId(browser, 'dose-cancel')).click();
  await (await byTestId(browser, 'sign-out')).click();
  await (await byTestId(browser, 'sign-in-org')).waitForDisplayed({ timeout: 10_000 });
});

test('Vaccine Mgmt sees the lot inventory with the expiry alert and reconciliation', async () => {
  await signIn(browser, 'MT0002', 'mt.vaccines');
  assert.ok(await agreeIfAsked(browser));
  const menu = await byTestId(browser, 'menu-lot-inventory');
  await menu.waitForDisplayed({ timeout: 30_000 });
  await menu.click();
  const table = await byTestId(browser, 'lots-table');
  await table.waitForDisplayed({ timeout: 15_000 });
  const alert = await byTestId(browser, 'lots-alert-expiring');
  assert.match(await alert.getText(), /UT8512AA/, 'the flu lot expiring within 30 days is flagged');
  assert.equal((await browser.$$('[data-testid="lot-row"]')).length, 4);
  assert.match(await table.getText(), /Balanced/);
  await screenshot(browser, '38-lot-inventory');
});

test('a lot is received by scanning the carton and adjusted for wastage', async () => {
  await (await byTestId(browser, 'lots-receive')).click();
  const scan = await byTestId(browser, 'receive-scan-input');
  await scan.waitForDisplayed({ timeout: 10_000 });
  // The product list loads after the form opens.
  await browser.waitUntil(
    async () => (await (await byTestId(browser, 'receive-product')).$$('option')).length > 10,
    { timeout: 15_000 },
  );
  await scan.setValue('010030006468101717280630|10Z77120');
  await browser.keys('Enter');
  await (await byTestId(browser, 'receive-scan-result')).waitForDisplayed({ timeout: 10_000 });
  assert.equal(await (await byTestId(browser, 'receive-lot')).getValue(), 'Z77120');
  assert.equal(await (await byTestId(browser, 'receive-expiry')).getValue(), '06/30/2028');
  assert.match(await (await byTestId(browser, 'receive-product')).getValue(), /^03\|MSD\|/);
  await (await byTestId(browser, 'receive-quantity')).setValue('10');
  await screenshot(browser, '39-receive-lot-scanned');
  await (await byTestId(browser, 'receive-submit')).click();
  const row = await browser.$('[data-testid="lot-row"][data-lot="Z77120"]');
  await row.waitForDisplayed({ timeout: 15_000 });
  assert.equal(await (await row.$('[data-testid="lot-on-hand"]')).getText(), '10');

  await browser.execute((el) => el.focus(), await row.$('[data-testid="lot-adjust"]'));
  await browser.keys('Enter');
  const quantity = await byTestId(browser, 'adjust-quantity');
  await quantity.waitForDisplayed({ timeout: 10_000 });
  await quantity.setValue('2');
  await (await byTestId(browser, 'adjust-submit')).click();
  await browser.waitUntil(
    async () => (await (await row.$('[data-testid="lot-on-hand"]')).getText()) === '8',
    { timeout: 15_000, timeoutMsg: 'wastage of 2 leaves 8 on hand' },
  );
  assert.match(await row.getText(), /Balanced/);
  await screenshot(browser, '40-lot-adjusted');
});

test('the lot usage report reconciles the lot just received and wasted', async () => {
  await (await byTestId(browser, 'menu-lot-usage')).click();
  const line = await browser.$('[data-testid="usage-line"][data-lot="Z77120"]');
  await line.waitForDisplayed({ timeout: 15_000 });
  // Start 0, received 10, given 0, wasted 2, … end 8 (this month so far).
  const cells = await line.$$('td');
  const numbers = [];
  for (const cell of cells) numbers.push(Number(await cell.getText()));
  assert.deepEqual(numbers, [0, 10, 0, 2, 0, 0, 0, 0, 8]);
  assert.match(await line.getText(), /CVX 03/);
  await screenshot(browser, '41-lot-usage');
});
