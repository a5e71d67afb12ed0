// A clinic user's first minutes: sign in, find a child by last name + date of birth, open the
// record and read the immunization history; then browse the CDC code tables.
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

test('a wrong password is refused with one message that names no field', async () => {
  await signIn(browser, 'TX0001', 'tx.provider', 'wrong-password-123');
  const alert = await browser.$('[role="alert"]');
  await alert.waitForDisplayed({ timeout: 15_000 });
  assert.match(await alert.getText(), /organization code, username or password/i);
  assert.equal(await (await byTestId(browser, 'sign-in-org')).getValue(), 'TX0001', 'typed values are kept');
  await screenshot(browser, '01-sign-in-refused');
});

test('a provider signs in, finds Sofia Martinez by last name and DOB and sees her immunizations', async () => {
  await signIn(browser, 'TX0001', 'tx.provider');
  assert.ok(await agreeIfAsked(browser), 'the confidentiality statement is shown after credentials');
  const menuSearch = await byTestId(browser, 'menu-search');
  await menuSearch.waitForDisplayed({ timeout: 30_000 });
  await screenshot(browser, '02-home');
  await menuSearch.click();

  const last = await byTestId(browser, 'search-last-name');
  await last.waitForDisplayed({ timeout: 10_000 });
  await last.setValue('Martinez');
  await (await byTestId(browser, 'search-dob')).setValue('03/14/2019');
  await (await byTestId(browser, 'search-submit')).click();

  // Exactly one match opens the record directly.
  const name = await byTestId(browser, 'client-name');
  await name.waitForDisplayed({ timeout: 15_000 });
  assert.match(await name.getText(), /Martinez/);
  assert.match(await name.getText(), /Sofia/);

  const table = await byTestId(browser, 'immunization-table');
  await table.waitForDisplayed({ timeout: 10_000 });
  const rows = await browser.$$('[data-testid="immunization-row"]');
  assert.ok(rows.length >= 23, `Sofia has 23 doses (some listed under several groups); saw ${rows.length} rows`);
  const text = await table.getText();
  assert.match(text, /03\/15\/2019/, 'dates are shown MM/DD/YYYY');
  assert.match(text, /PEDIARIX/i);
  await screenshot(browser, '03-client-record');

  // "Vaccines recommended" (CDSi forecast) near the top of the immunization area.
  const forecast = await byTestId(browser, 'forecast-section');
  await forecast.waitForDisplayed({ timeout: 10_000 });
  await browser.waitUntil(async () => (await browser.$$('[data-testid="forecast-row"]')).length > 0, {
    timeout: 15_000,
    timeoutMsg: 'expected at least one vaccine group in "Vaccines recommended"',
  });
  const forecastRows = await browser.$$('[data-testid="forecast-row"]');
  assert.ok(await forecastRows[0].isDisplayed(), 'the first forecast row is visible');
  assert.match(await forecastRows[0].getAttribute('data-urgency'), /^[a-z_]+$/);
  assert.equal(await (await byTestId(browser, 'schedule-select')).getValue(), 'acip');
  // The visit summary comes first: what to give today, and when to come back (MM/DD/YYYY).
  const summary = await byTestId(browser, 'forecast-summary');
  assert.ok(await summary.isDisplayed(), 'the visit summary is shown');
  assertSummary(await summary.getText());
  await forecast.scrollIntoView({ block: 'start' });
  await screenshot(browser, '03b-vaccines-recommended');

  // "Why?" opens the engine's trace for that vaccine group.
  const why = await forecastRows[0].$('[data-testid="forecast-why"]');
  await why.click();
  const trace = await byTestId(browser, 'forecast-trace');
  await trace.waitForDisplayed({ timeout: 5_000 });
  assert.equal(await why.getAttribute('aria-expanded'), 'true');
  await screenshot(browser, '03c-forecast-why');
  await why.click();

  // The history marks each dose with its CDSi evaluation.
  await table.scrollIntoView({ block: 'start' });
  await screenshot(browser, '03d-history-evaluations');
});

/** The summary line: "Due today: DTaP, IPV … · Next visit on or after MM/DD/YYYY". */
function assertSummary(text) {
  assert.match(text, /^(Due today: \S.*|May be given today: \S.*|Nothing due today) · /, text);
  assert.match(text, / · (Next visit on or after \d{2}\/\d{2}\/\d{4}|No further dose is forecast)/, text);
}

test('an infant forecast says what is due today, with the vaccines and a readable "Why?"', async () => {
  await (await byTestId(browser, 'menu-search')).click();
  const last = await byTestId(browser, 'search-last-name');
  await last.waitForDisplayed({ timeout: 10_000 });
  await last.clearValue();
  await last.setValue('Running Crane');
  const dob = await byTestId(browser, 'search-dob');
  await dob.clearValue();
  await dob.setValue('05/02/2026');
  await (await byTestId(browser, 'search-submit')).click();
  const name = await byTestId(browser, 'client-name');
  await name.waitForDisplayed({ timeout: 15_000 });
  assert.match(await name.getText(), /Liam/);

  const summary = await byTestId(browser, 'forecast-summary');
  await summary.waitForDisplayed({ timeout: 15_000 });
  const text = await summary.getText();
  assertSummary(text);
  const rows = await browser.$$('[data-testid="forecast-row"]');
  assert.ok(rows.length > 0, 'the infant has forecast rows');
  // Every due or overdue row names at least one vaccine by CVX.
  for (const row of rows) {
    if (!/^(due|overdue)$/.test(await row.getAttribute('data-urgency'))) continue;
    const vaccines = await row.$$('[data-testid="forecast-vaccine"]');
    assert.ok(vaccines.length > 0, `${await row.getAttribute('data-group')} lists a vaccine`);
    assert.match(await vaccines[0].getAttribute('data-cvx'), /^\d{2,3}$/);
  }
  await (await byTestId(browser, 'forecast-section')).scrollIntoView({ block: 'start' });
  await screenshot(browser, '03e-infant-forecast');

  // "Why?" reads as sentences, with the rule ids kept in small print.
  const why = await rows[0].$('[data-testid="forecast-why"]');
  await why.click();
  const trace = await byTestId(browser, 'forecast-trace');
  await trace.waitForDisplayed({ timeout: 5_000 });
  const steps = await trace.$$('[data-testid="forecast-step"]');
  assert.ok(steps.length > 0, 'the trace has steps');
  assert.ok(await (await steps[0].$('.rule')).isDisplayed(), 'the rule id is shown');
  assert.doesNotMatch(await trace.getText(), /\d{4}-\d{2}-\d{2}/, 'no ISO dates in the trace');
  await screenshot(browser, '03f-infant-forecast-why');

  // In Spanish: the summary line and the same steps as Spanish sentences, dates still MM/DD/YYYY.
  await (await byTestId(browser, 'locale-es')).click();
  await browser.waitUntil(async () => /^(Para hoy|Se pueden aplicar hoy|Nada para hoy)/.test(await summary.getText()), {
    timeout: 5_000,
    timeoutMsg: 'expected the summary line in Spanish',
  });
  assert.match(await summary.getText(), / · (Próxima visita a partir del \d{2}\/\d{2}\/\d{4}|No se prevén más dosis)/);
  assert.doesNotMatch(await trace.getText(), /\d{4}-\d{2}-\d{2}/, 'no ISO dates in the Spanish trace');
  await screenshot(browser, '03g-infant-forecast-es');
  await (await byTestId(browser, 'locale-en')).click();
  await why.click();

  // A recommended vaccine starts "Add administered dose" with its CVX filled in.
  let given = false;
  for (const row of rows) {
    if (!/^(due|overdue)$/.test(await row.getAttribute('data-urgency'))) continue;
    const vaccine = (await row.$$('[data-testid="forecast-vaccine"]'))[0];
    const cvx = await vaccine.getAttribute('data-cvx');
    await (await vaccine.$('[data-testid="forecast-give"]')).click();
    const field = await byTestId(browser, 'dose-cvx');
    await field.waitForDisplayed({ timeout: 10_000 });
    assert.equal(await field.getValue(), cvx, 'the form starts with the recommended vaccine');
    await screenshot(browser, '03h-record-recommended-dose');
    await (await byTestId(browser, 'dose-cancel')).click();
    given = true;
    break;
  }
  assert.ok(given, 'the infant has a due or overdue vaccine to record');
});

test('a last-name search lists several clients in a result table', async () => {
  await (await byTestId(browser, 'menu-search')).click();
  const last = await byTestId(browser, 'search-last-name');
  await last.waitForDisplayed({ timeout: 10_000 });
  await last.clearValue();
  await last.setValue('Smith');
  const dob = await byTestId(browser, 'search-dob');
  await dob.clearValue();
  await (await byTestId(browser, 'search-submit')).click();
  await browser.waitUntil(async () => (await browser.$$('[data-testid="search-result-row"]')).length > 1, {
    timeout: 15_000,
    timeoutMsg: 'expected several Smiths in the 5,000-client demo registry',
  });
  await screenshot(browser, '04-search-results');
});

test('Admin Support shows the CDC vaccine (CVX) table', async () => {
  await (await byTestId(browser, 'menu-vaccines')).click();
  await browser.waitUntil(async () => (await browser.$('body').getText()).includes('M-M-R') || (await browser.$('body').getText()).includes('MMR'), {
    timeout: 10_000,
  });
  const body = await browser.$('body').getText();
  assert.match(body, /\b03\b/, 'CVX 03 is listed');
  await screenshot(browser, '05-admin-support-vaccines');
});

test('signing out returns to the sign-in screen', async () => {
  await (await byTestId(browser, 'sign-out')).click();
  await (await byTestId(browser, 'sign-in-org')).waitForDisplayed({ timeout: 10_000 });
});
