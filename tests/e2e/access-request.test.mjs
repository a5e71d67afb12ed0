// The electronic access request in the real app: a Montana supervisor requests New Access for
// an employee → the employee reads the request number and agreement code from the emailed
// message (the demo outbox) and signs the User Agreement from the sign-in screen, without
// signing in → registry staff approve it from their queue beside the signed agreement → the new
// user signs in with the emailed temporary password and must choose a new one.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { launchApp, byTestId, screenshot, signIn, signInAndAgree, agreeIfAsked } from './app.mjs';

const EMAIL = 'nancy.nurse@sphealth.example.org';
const NEW_PASSWORD = 'Sleeping Giant trail 2026';

let browser;
before(async () => {
  browser = await launchApp();
});
after(async () => {
  await browser?.deleteSession();
});

/** Today as the app sees it (UTC), MM/DD/YYYY. */
function today() {
  const [y, m, d] = new Date().toISOString().slice(0, 10).split('-');
  return `${m}/${d}/${y}`;
}

/** The bodies of the outbox's emails to `address` (7bit, quoted-printable or base64). */
function emailsTo(address) {
  const folder = process.env.SHOTBOOK_E2E_OUTBOX;
  assert.ok(folder, 'run.sh exports SHOTBOOK_E2E_OUTBOX');
  return (existsSync(folder) ? readdirSync(folder) : [])
    .filter((f) => f.endsWith('.eml'))
    .map((f) => readFileSync(join(folder, f), 'utf8').replace(/\r\n/g, '\n'))
    .filter((raw) => raw.includes(`To: ${address}`))
    .map((raw) => {
      const split = raw.indexOf('\n\n');
      const headers = raw.slice(0, split);
      let body = raw.slice(split + 2);
      const encoding = /content-transfer-encoding:\s*([\w-]+)/i.exec(headers)?.[1]?.toLowerCase();
      if (encoding === 'base64')
        body = Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
      else if (encoding === 'quoted-printable')
        body = body
          .replace(/=\n/g, '')
          .replace(/=([0-9A-F]{2})/gi, (_, h) => String.fromCharCode(parseInt(h, 16)));
      return body;
    });
}

/** The one value after `label` in the emails to `address`, waiting for the email: mail leaves
 * after the change is committed, off the command. */
async function emailed(address, label) {
  const valuesNow = () =>
    emailsTo(address).flatMap((body) =>
      body
        .split('\n')
        .filter((line) => line.startsWith(label))
        .map((line) => line.slice(label.length).trim()),
    );
  await browser.waitUntil(() => valuesNow().length > 0, {
    timeout: 20_000,
    timeoutMsg: `an email to ${address} with "${label}"`,
  });
  const values = valuesNow();
  assert.equal(values.length, 1, `one "${label}" emailed to ${address}: ${values}`);
  return values[0];
}

async function type(id, value) {
  const input = await byTestId(browser, id);
  await input.clearValue();
  await input.setValue(value);
}

async function signOut() {
  await (await byTestId(browser, 'sign-out')).click();
  await (await byTestId(browser, 'sign-in-org')).waitForDisplayed({ timeout: 20_000 });
}

let requestNumber;

test('a supervisor submits a New Access request, after the form reports each missing field', async () => {
  await signInAndAgree(browser, 'MT0001', 'mt.supervisor');
  const menu = await byTestId(browser, 'menu-request-access');
  await menu.waitForClickable({ timeout: 60_000 });
  await menu.click();
  const first = await byTestId(browser, 'access-first-name');
  // The first screen after the demo registry is seeded can be slow on a loaded machine.
  try {
    await first.waitForDisplayed({ timeout: 60_000 });
  } catch (err) {
    await screenshot(browser, 'access-00-form-missing');
    console.error('main:', await (await browser.$('main')).getText());
    throw err;
  }
  assert.equal(
    await (await byTestId(browser, 'access-employer')).getValue(),
    'Big Sky Family Medicine',
  );
  await screenshot(browser, 'access-01-request-form');

  await (await byTestId(browser, 'access-submit')).click();
  const error = await byTestId(browser, 'access-error');
  await error.waitForDisplayed({ timeout: 20_000 });
  assert.match(await error.getText(), /fields need attention/);
  assert.equal(await first.getAttribute('aria-invalid'), 'true');
  assert.equal(
    await (await byTestId(browser, 'access-attestation')).getAttribute('aria-invalid'),
    'true',
  );
  await screenshot(browser, 'access-02-field-errors');

  await type('access-first-name', 'Nancy');
  await type('access-last-name', 'Nurse');
  await type('access-dob', '03/20/1982');
  await type('access-phone', '406 444 1234');
  await type('access-email', EMAIL);
  await (await byTestId(browser, 'access-prior')).selectByAttribute('value', 'no');
  await type('access-job-title', 'Clinic RN');
  await type('access-start', today());
  await (
    await byTestId(browser, 'access-role')
  ).selectByAttribute('value', 'read_only_with_consent');
  await type(
    'access-justification',
    'Nancy needs to know what immunizations her patients are due for.',
  );
  await type('access-supervisor-title', 'Clinic Manager');
  await (await byTestId(browser, 'access-attestation')).click();
  await (await byTestId(browser, 'access-submit')).click();

  const done = await byTestId(browser, 'access-done');
  await done.waitForDisplayed({ timeout: 20_000 });
  const text = await done.getText();
  requestNumber = /REQ\d{7}/.exec(text)?.[0];
  assert.ok(requestNumber, `a request number in: ${text}`);
  assert.match(text, new RegExp(EMAIL.replace(/\./g, '\\.')));
  assert.equal(
    await (await byTestId(browser, 'access-phone')).getValue(),
    '406-444-1234',
    'shown as validated',
  );
  await screenshot(browser, 'access-03-submitted');

  await (await byTestId(browser, 'menu-access-requests')).click();
  const row = await byTestId(browser, 'access-row');
  await row.waitForDisplayed({ timeout: 20_000 });
  assert.match(await row.getText(), /Waiting for User Agreement/);
  await screenshot(browser, 'access-04-my-requests');
  await signOut();
});

test('the employee signs the User Agreement from the sign-in screen with the emailed code', async () => {
  assert.equal(await emailed(EMAIL, 'Request number:'), requestNumber);
  const code = await emailed(EMAIL, 'Agreement code:');

  await (await byTestId(browser, 'user-agreement-link')).click();
  await type('agreement-number', requestNumber);
  await type('agreement-code', code);
  await (await byTestId(browser, 'agreement-open')).click();
  const facility = await byTestId(browser, 'agreement-facility');
  await facility.waitForDisplayed({ timeout: 20_000 });
  const statements = await browser.$$('[data-testid^="agreement-statement-"]');
  assert.equal(statements.length, 8, 'five conditions, the six-month clause, consent, acceptance');

  // Every statement must be checked: leave one out first.
  for (const box of statements.slice(0, 7)) await box.click();
  await type('agreement-full-name', 'Nancy N. Nurse, RN');
  await type('agreement-date', today());
  await (await byTestId(browser, 'agreement-signature-confirmed')).click();
  await (await byTestId(browser, 'agreement-submit')).click();
  const last = statements[7];
  await browser.waitUntil(async () => (await last.getAttribute('aria-invalid')) === 'true', {
    timeout: 20_000,
    timeoutMsg: 'the unchecked statement is reported on itself',
  });
  await screenshot(browser, 'access-05-agreement-unchecked');

  await last.click();
  await (await byTestId(browser, 'agreement-submit')).click();
  const signed = await byTestId(browser, 'agreement-signed');
  await signed.waitForDisplayed({ timeout: 20_000 });
  assert.match(await signed.getText(), /credentials will be emailed/);
  await screenshot(browser, 'access-06-agreement-signed');
  await (await byTestId(browser, 'agreement-back')).click();
});

test('registry staff approve it beside the signed agreement', async () => {
  await signInAndAgree(browser, 'MTREG', 'mt.registry');
  await (await byTestId(browser, 'menu-access-queue')).click();
  const row = await byTestId(browser, 'access-queue-row');
  await row.waitForDisplayed({ timeout: 20_000 });
  assert.match(await row.getText(), new RegExp(requestNumber));
  assert.match(await row.getText(), /0 business days/);
  await screenshot(browser, 'access-07-queue');

  await (await byTestId(browser, 'access-queue-open')).click();
  const signature = await byTestId(browser, 'review-signature');
  await signature.waitForDisplayed({ timeout: 20_000 });
  assert.equal(await signature.getText(), 'Nancy N. Nurse, RN');
  assert.match(await (await byTestId(browser, 'review-request')).getText(), /406-444-1234/);
  await screenshot(browser, 'access-08-review');

  await (await byTestId(browser, 'review-approve')).click();
  const decided = await byTestId(browser, 'review-decided');
  await decided.waitForDisplayed({ timeout: 20_000 });
  assert.match(await decided.getText(), /Approved/);
  await screenshot(browser, 'access-09-approved');
  await signOut();
});

test('the new user signs in with the emailed temporary password and must change it', async () => {
  const username = await emailed(EMAIL, 'Username:');
  assert.equal(username, 'nancy.nurse');
  assert.equal(await emailed(EMAIL, 'Organization code:'), 'MT0001');
  const temporary = await emailed(EMAIL, 'Temporary password:');

  await signIn(browser, 'MT0001', username, temporary);
  const rules = await byTestId(browser, 'password-rules');
  await rules.waitForDisplayed({ timeout: 20_000 });
  await screenshot(browser, 'access-10-new-user-change-password');
  await (await byTestId(browser, 'new-password')).setValue(NEW_PASSWORD);
  await (await byTestId(browser, 'confirm-password')).setValue(NEW_PASSWORD);
  await (await byTestId(browser, 'new-password-submit')).click();
  await agreeIfAsked(browser);
  const home = await byTestId(browser, 'menu-home');
  await home.waitForDisplayed({ timeout: 20_000 });
  assert.match(await (await browser.$('h1')).getText(), /Nancy Nurse/);
  await screenshot(browser, 'access-11-new-user-home');
  await signOut();
});

test("the supervisor sees the request approved and the new user among the organization's users", async () => {
  await signInAndAgree(browser, 'MT0001', 'mt.supervisor');
  await (await byTestId(browser, 'menu-access-requests')).click();
  const row = await byTestId(browser, 'access-row');
  await row.waitForDisplayed({ timeout: 20_000 });
  assert.match(await row.getText(), /Approved/);

  await (await byTestId(browser, 'menu-organization-users')).click();
  const table = await byTestId(browser, 'org-users');
  await table.waitForDisplayed({ timeout: 20_000 });
  assert.match(await table.getText(), /nancy\.nurse/);
  await screenshot(browser, 'access-12-organization-users');
  await signOut();
});
