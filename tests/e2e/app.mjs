// Shared helpers: one WebDriver session per test file, driving the real app binary.
import { remote } from 'webdriverio';
import { mkdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
export const SCREENSHOTS = join(here, 'screenshots');
export const DEMO_PASSWORD = 'Shotbook-Demo-2026';

/** Starts the app in a new WebDriver session; `args` are the app's command-line arguments. */
export async function launchApp(args = ['--demo']) {
  const application = process.env.SHOTBOOK_E2E_APP;
  if (!application) throw new Error('SHOTBOOK_E2E_APP must point at the built shotbook-app binary');
  return remote({
    hostname: '127.0.0.1',
    port: Number(process.env.TAURI_DRIVER_PORT ?? 4444),
    logLevel: 'warn',
    connectionRetryTimeout: 300_000,
    capabilities: {
      browserName: 'wry',
      'tauri:options': { application, args },
      // tauri-driver speaks classic WebDriver only; without this wdio 9 asks for BiDi and fails.
      'wdio:enforceWebDriverClassic': true,
    },
  });
}

export const byTestId = (browser, id) => browser.$(`[data-testid="${id}"]`);

export async function screenshot(browser, name) {
  mkdirSync(SCREENSHOTS, { recursive: true });
  // WebKit may not have painted the last change yet.
  await browser.pause(1500);
  await browser.saveScreenshot(join(SCREENSHOTS, `${name}.png`));
}

/** Types the credentials (and a CAPTCHA answer when given) and submits. */
export async function signIn(browser, org, username, password = DEMO_PASSWORD, { captchaAnswer } = {}) {
  const orgInput = await byTestId(browser, 'sign-in-org');
  // First start seeds the demo registry before the window loads.
  await orgInput.waitForDisplayed({ timeout: 300_000 });
  await orgInput.clearValue();
  await orgInput.setValue(org);
  await (await byTestId(browser, 'sign-in-username')).clearValue();
  await (await byTestId(browser, 'sign-in-username')).setValue(username);
  await (await byTestId(browser, 'sign-in-password')).clearValue();
  await (await byTestId(browser, 'sign-in-password')).setValue(password);
  if (captchaAnswer !== undefined) {
    const answer = await byTestId(browser, 'captcha-answer');
    await answer.clearValue();
    await answer.setValue(captchaAnswer);
  }
  await (await byTestId(browser, 'sign-in-submit')).click();
}

/**
 * After credentials: waits for the confidentiality statement (or a screen past it) and selects
 * I Agree when it is shown. Returns whether it agreed.
 */
export async function agreeIfAsked(browser, { timeout = 30_000 } = {}) {
  let agree = null;
  await browser.waitUntil(
    async () => {
      const candidate = await byTestId(browser, 'agree');
      if (await candidate.isExisting()) {
        agree = candidate;
        return true;
      }
      return (await (await byTestId(browser, 'menu-home')).isExisting()) ||
        (await (await browser.$('[data-testid^="org-choice-"]')).isExisting());
    },
    { timeout, timeoutMsg: 'neither the confidentiality statement nor a signed-in screen appeared' },
  );
  if (!agree) return false;
  await agree.click();
  await agree.waitForExist({ reverse: true, timeout: 15_000 });
  return true;
}

/** Signs in and agrees to the confidentiality statement. */
export async function signInAndAgree(browser, org, username, password = DEMO_PASSWORD) {
  await signIn(browser, org, username, password);
  await agreeIfAsked(browser);
}
