// Account security in the real app: the lockout ladder (3 wrong passwords → CAPTCHA, 3 more →
// Forgot Password), a reset with the code from the demo outbox's email, the refusal of Forgot
// Password on a real (non-demo) install without mail (the account-takeover path), the
// confidentiality statement, the multi-organization portal and switching organization, and the
// idle lock that keeps what the user typed. Uses accounts clinic-flow does not use.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { launchApp, byTestId, screenshot, signIn, agreeIfAsked, DEMO_PASSWORD } from './app.mjs';

const NEW_PASSWORD = 'Glacier Park trail 2026';
const NUMBERS = {
  zero: 0,
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  eleven: 11,
  twelve: 12,
};

let browser;
before(async () => {
  browser = await launchApp();
});
after(async () => {
  await browser?.deleteSession();
});

/** Answers the CAPTCHA's accessible text question ("What is seven plus two? …"). */
function solve(question) {
  const m = /what is (\w+) plus (\w+)/i.exec(question);
  assert.ok(m, `a question of the expected shape: ${question}`);
  const [a, b] = [NUMBERS[m[1].toLowerCase()], NUMBERS[m[2].toLowerCase()]];
  assert.ok(a !== undefined && b !== undefined, question);
  return String(a + b);
}

/** Submits and waits until the CAPTCHA changes (a new challenge) or `other` appears. */
async function submitAndWaitForNextChallenge(answer, other) {
  const before = await (await byTestId(browser, 'captcha-image')).getAttribute('src');
  await signIn(browser, 'MT0001', 'mt.readonly', 'not-the-password-123', {
    captchaAnswer: answer,
  });
  await browser.waitUntil(
    async () => {
      if (await (await byTestId(browser, other)).isExisting()) return true;
      const img = await byTestId(browser, 'captcha-image');
      return (await img.isExisting()) && (await img.getAttribute('src')) !== before;
    },
    { timeout: 20_000, timeoutMsg: 'the sign-in attempt was not answered' },
  );
}

/** The body of an .eml, decoded whether it is 7bit, quoted-printable or base64. */
function decodeEmail(raw) {
  const text = raw.replace(/\r\n/g, '\n');
  const split = text.indexOf('\n\n');
  const headers = split >= 0 ? text.slice(0, split) : '';
  let body = split >= 0 ? text.slice(split + 2) : text;
  const encoding = /content-transfer-encoding:\s*([\w-]+)/i.exec(headers)?.[1]?.toLowerCase();
  if (encoding === 'base64')
    body = Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  else if (encoding === 'quoted-printable') {
    body = body
      .replace(/=\n/g, '')
      .replace(/=([0-9A-F]{2})/gi, (_, hex) => String.fromCharCode(parseInt(hex, 16)));
  }
  return body;
}

function emails(folder) {
  return readdirSync(folder).filter((f) => f.endsWith('.eml'));
}

function newestEmail(folder) {
  const files = emails(folder)
    .map((f) => join(folder, f))
    .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs);
  assert.ok(files.length > 0, `an .eml file in ${folder}`);
  return readFileSync(files[0], 'utf8');
}

test('three wrong passwords lead to the CAPTCHA screen', async () => {
  for (let attempt = 1; attempt <= 2; attempt++) {
    await signIn(browser, 'MT0001', 'mt.readonly', `wrong-password-${attempt}`);
    const error = await byTestId(browser, 'sign-in-error');
    await error.waitForDisplayed({ timeout: 20_000 });
    assert.match(await error.getText(), /organization code, username or password/i);
    // Wait for the form to be ready again before the next attempt.
    await (await byTestId(browser, 'sign-in-submit')).waitForEnabled({ timeout: 10_000 });
  }
  await signIn(browser, 'MT0001', 'mt.readonly', 'wrong-password-3');
  const image = await byTestId(browser, 'captcha-image');
  await image.waitForDisplayed({ timeout: 20_000 });
  assert.match(await image.getAttribute('src'), /^data:image\//);
  assert.match(
    await (await byTestId(browser, 'captcha-question')).getText(),
    /What is \w+ plus \w+\?/,
  );
  assert.ok(await (await byTestId(browser, 'captcha-new')).isDisplayed(), 'a new-image button');
  assert.equal(
    await (await byTestId(browser, 'sign-in-org')).getValue(),
    'MT0001',
    'org code kept',
  );
  assert.equal(await (await byTestId(browser, 'sign-in-username')).getValue(), 'mt.readonly');
  assert.equal(
    await (await byTestId(browser, 'sign-in-password')).getValue(),
    '',
    'password cleared',
  );
  await screenshot(browser, '10-captcha');
});

test('"New image" replaces the challenge', async () => {
  const image = await byTestId(browser, 'captcha-image');
  const before = await image.getAttribute('src');
  await (await byTestId(browser, 'captcha-new')).click();
  await browser.waitUntil(async () => (await image.getAttribute('src')) !== before, {
    timeout: 10_000,
  });
});

test('three more failures with the CAPTCHA send the user to Forgot Password', async () => {
  // A wrong CAPTCHA answer counts like a wrong password…
  await submitAndWaitForNextChallenge('zzzzz', 'forgot-org');
  const error = await byTestId(browser, 'sign-in-error');
  assert.match(await error.getText(), /security check/i);
  // …and so does a solved CAPTCHA with a wrong password.
  const question = await (await byTestId(browser, 'captcha-question')).getText();
  await submitAndWaitForNextChallenge(solve(question), 'forgot-org');
  const question2 = await (await byTestId(browser, 'captcha-question')).getText();
  await submitAndWaitForNextChallenge(solve(question2), 'forgot-org');

  const org = await byTestId(browser, 'forgot-org');
  await org.waitForDisplayed({ timeout: 10_000 });
  assert.match(await (await byTestId(browser, 'forgot-reason')).getText(), /locked/i);
  assert.equal(await org.getValue(), 'MT0001', 'org code carried over');
  assert.equal(await (await byTestId(browser, 'forgot-username')).getValue(), 'mt.readonly');
  await screenshot(browser, '11-forgot-password-locked');
});

test('a reset code from the demo email sets a new password and lifts the lock', async () => {
  const outbox = process.env.SHOTBOOK_E2E_OUTBOX;
  assert.ok(outbox, 'run.sh exports SHOTBOOK_E2E_OUTBOX');
  const before = existsSync(outbox) ? emails(outbox).length : 0;
  await (await byTestId(browser, 'forgot-email')).setValue('mt.readonly@demo.shotbook.invalid');
  await (await byTestId(browser, 'forgot-submit')).click();
  const message = await byTestId(browser, 'forgot-message');
  await message.waitForDisplayed({ timeout: 20_000 });
  assert.match(await message.getText(), /reset code/i);
  assert.doesNotMatch(await message.getText(), /outbox|\.eml|\//, 'no folder is named');
  await screenshot(browser, '12-forgot-password-sent');

  // The demo registry's mail is an .eml file; it is written after the answer, off the command.
  await browser.waitUntil(() => existsSync(outbox) && emails(outbox).length > before, {
    timeout: 20_000,
    timeoutMsg: 'the reset email reached the demo outbox',
  });
  const body = decodeEmail(newestEmail(outbox));
  const code = /Reset code:\s*([A-Za-z0-9]{4}(?:-[A-Za-z0-9]{4}){3})/.exec(body)?.[1];
  assert.ok(code, `a reset code in the email:\n${body}`);

  await (await byTestId(browser, 'forgot-have-code')).click();
  const codeField = await byTestId(browser, 'forgot-code');
  await codeField.waitForDisplayed({ timeout: 10_000 });
  assert.equal(await (await byTestId(browser, 'forgot-username')).getValue(), 'mt.readonly');
  await codeField.setValue(code);
  await (await byTestId(browser, 'forgot-new-password')).setValue(NEW_PASSWORD);
  // The two entries must match; what was typed stays.
  await (await byTestId(browser, 'forgot-confirm-password')).setValue(`${NEW_PASSWORD}!`);
  await (await byTestId(browser, 'forgot-reset-submit')).click();
  const confirm = await byTestId(browser, 'forgot-confirm-password');
  await browser.waitUntil(async () => (await confirm.getAttribute('aria-invalid')) === 'true', {
    timeout: 20_000,
    timeoutMsg: 'the mismatch is reported on the confirmation field',
  });
  assert.equal(await codeField.getValue(), code, 'the code is kept');
  await screenshot(browser, '13-reset-code');
  await confirm.clearValue();
  await confirm.setValue(NEW_PASSWORD);
  await (await byTestId(browser, 'forgot-reset-submit')).click();

  const org = await byTestId(browser, 'sign-in-org');
  await org.waitForDisplayed({ timeout: 20_000 });
  assert.equal(await org.getValue(), 'MT0001');
  await signIn(browser, 'MT0001', 'mt.readonly', NEW_PASSWORD);

  const statement = await byTestId(browser, 'confidentiality-statement');
  await statement.waitForDisplayed({ timeout: 30_000 });
  assert.match(await statement.getText(), /confidential/i);
  assert.equal(
    await (await byTestId(browser, 'menu-home')).isExisting(),
    false,
    'no session before I Agree',
  );
  await screenshot(browser, '15-confidentiality');
  await (await byTestId(browser, 'agree')).click();

  const user = await byTestId(browser, 'menu-bar-user');
  await user.waitForDisplayed({ timeout: 20_000 });
  assert.match(await (await byTestId(browser, 'menu-bar-organization')).getText(), /MT0001/);
  await (await byTestId(browser, 'sign-out')).click();
  await (await byTestId(browser, 'sign-in-org')).waitForDisplayed({ timeout: 10_000 });

  // A code works once.
  await (await byTestId(browser, 'forgot-password-link')).click();
  await (await byTestId(browser, 'forgot-org')).waitForDisplayed({ timeout: 10_000 });
  await (await byTestId(browser, 'forgot-have-code')).click();
  await (await byTestId(browser, 'forgot-username')).setValue('mt.readonly');
  await (await byTestId(browser, 'forgot-code')).setValue(code);
  await (await byTestId(browser, 'forgot-new-password')).setValue('Another trail 2027');
  await (await byTestId(browser, 'forgot-confirm-password')).setValue('Another trail 2027');
  await (await byTestId(browser, 'forgot-reset-submit')).click();
  const codeAgain = await byTestId(browser, 'forgot-code');
  await browser.waitUntil(async () => (await codeAgain.getAttribute('aria-invalid')) === 'true', {
    timeout: 20_000,
    timeoutMsg: 'a spent code is refused',
  });
  await (await byTestId(browser, 'forgot-back')).click();
  await (await byTestId(browser, 'sign-in-org')).waitForDisplayed({ timeout: 10_000 });
});

test('a user of two organizations chooses one on the portal and switches from the menu bar', async () => {
  await signIn(browser, 'TX0001', 'tx.float');
  assert.ok(await agreeIfAsked(browser), 'the statement comes before the portal');
  const choice = await byTestId(browser, 'org-choice-TX0002');
  await choice.waitForDisplayed({ timeout: 20_000 });
  assert.ok(await (await byTestId(browser, 'org-choice-TX0001')).isDisplayed());
  await screenshot(browser, '16-portal');
  await choice.click();

  const org = await byTestId(browser, 'menu-bar-organization');
  await org.waitForDisplayed({ timeout: 20_000 });
  assert.match(await org.getText(), /Rio Grande Valley Family Clinic/);
  assert.match(await org.getText(), /TX0002/);

  await (await byTestId(browser, 'account-menu')).click();
  const switchOrg = await byTestId(browser, 'menu-switch-org');
  await switchOrg.waitForDisplayed({ timeout: 5_000 });
  assert.ok(await (await byTestId(browser, 'menu-my-account')).isDisplayed());
  await screenshot(browser, '17-account-menu');
  await switchOrg.click();

  const back = await byTestId(browser, 'org-choice-TX0001');
  await back.waitForDisplayed({ timeout: 10_000 });
  assert.equal(
    await (await byTestId(browser, 'org-choice-TX0002')).isExisting(),
    false,
    'only the others',
  );
  await screenshot(browser, '18-switch-organization');
  await back.click();
  await browser.waitUntil(async () => /TX0001/.test(await org.getText()), {
    timeout: 20_000,
    timeoutMsg: 'the menu bar shows TX0001 after switching',
  });

  await (await byTestId(browser, 'account-menu')).click();
  await (await byTestId(browser, 'menu-my-account')).click();
  const email = await byTestId(browser, 'account-email');
  await email.waitForDisplayed({ timeout: 10_000 });
  await browser.waitUntil(async () => (await email.getValue()) !== '', {
    timeout: 10_000,
  });
  assert.ok(
    await (await byTestId(browser, 'password-rules')).isDisplayed(),
    'rules on the change-password form',
  );
  // About: the version, the demo registry, and the Texas registry's help desk.
  assert.match(await (await byTestId(browser, 'about-version')).getText(), /^Shotbook \d+\.\d+\.\d+/);
  assert.match(await (await byTestId(browser, 'about-database')).getText(), /Demo registry/);
  assert.equal(
    await (await byTestId(browser, 'about-help-desk')).getText(),
    'ImmTrac2 help desk: 800-348-9158',
  );
  await screenshot(browser, '19-my-account');

  await (await byTestId(browser, 'sign-out')).click();
  await (await byTestId(browser, 'sign-in-org')).waitForDisplayed({ timeout: 10_000 });
});

test('the idle lock keeps what the user typed', async () => {
  // A second app run with a six-second idle limit (one WebDriver session at a time).
  await browser.deleteSession();
  browser = await launchApp(['--demo', '--idle-seconds', '6']);

  await signIn(browser, 'TX0001', 'tx.supervisor');
  assert.ok(await agreeIfAsked(browser));
  await (await byTestId(browser, 'menu-search')).click();
  const last = await byTestId(browser, 'search-last-name');
  await last.waitForDisplayed({ timeout: 10_000 });
  await last.setValue('Garcia');

  await browser.pause(8_000);
  const lock = await byTestId(browser, 'lock-screen');
  await lock.waitForDisplayed({ timeout: 10_000 });
  // The record underneath stays mounted (what was typed survives) but cannot be seen.
  assert.equal(await last.isDisplayed(), false, 'nothing of the screen shows through the lock');
  await screenshot(browser, '20-idle-lock');

  // A wrong password is a field error; the lock stays.
  await (await byTestId(browser, 'unlock-password')).setValue('not-my-password-1');
  await (await byTestId(browser, 'unlock-submit')).click();
  const password = await byTestId(browser, 'unlock-password');
  await browser.waitUntil(async () => (await password.getAttribute('aria-invalid')) === 'true', {
    timeout: 20_000,
  });
  assert.ok(await lock.isDisplayed());

  await password.setValue(DEMO_PASSWORD);
  await (await byTestId(browser, 'unlock-submit')).click();
  await lock.waitForExist({ reverse: true, timeout: 20_000 });
  assert.equal(
    await (await byTestId(browser, 'search-last-name')).getValue(),
    'Garcia',
    'typed input kept',
  );
  await screenshot(browser, '21-unlocked');
  await (await byTestId(browser, 'sign-out')).click();
  await (await byTestId(browser, 'sign-in-org')).waitForDisplayed({ timeout: 10_000 });
});

test('on a real install without mail, Forgot Password refuses and no secret lands in a file', async () => {
  // The takeover the security review found: at the sign-in screen, someone who knows a
  // colleague's org code, username and email asks for a reset and reads it from a folder.
  // The same database, opened as a real registry (no --demo) with no SMTP relay.
  await browser.deleteSession();
  browser = await launchApp([]);
  const outbox = process.env.SHOTBOOK_E2E_OUTBOX;
  const before = existsSync(outbox) ? emails(outbox).length : 0;
  await (await byTestId(browser, 'forgot-password-link')).waitForDisplayed({ timeout: 30_000 });
  await (await byTestId(browser, 'forgot-password-link')).click();
  await (await byTestId(browser, 'forgot-org')).setValue('TX0001');
  await (await byTestId(browser, 'forgot-username')).setValue('tx.provider');
  await (await byTestId(browser, 'forgot-email')).setValue('tx.provider@demo.shotbook.invalid');
  await (await byTestId(browser, 'forgot-submit')).click();
  const error = await byTestId(browser, 'forgot-error');
  await error.waitForDisplayed({ timeout: 20_000 });
  assert.match(await error.getText(), /registry help desk/i);
  await screenshot(browser, '22-forgot-password-refused-without-mail');
  await browser.pause(1_000);
  assert.equal(existsSync(outbox) ? emails(outbox).length : 0, before, 'no email file was written');

  // The colleague's password still works: nothing was reset.
  await (await byTestId(browser, 'forgot-back')).click();
  await signIn(browser, 'TX0001', 'tx.provider', DEMO_PASSWORD);
  assert.ok(await agreeIfAsked(browser));
  await (await byTestId(browser, 'menu-bar-user')).waitForDisplayed({ timeout: 20_000 });
  await (await byTestId(browser, 'sign-out')).click();
  await (await byTestId(browser, 'sign-in-org')).waitForDisplayed({ timeout: 10_000 });
});
