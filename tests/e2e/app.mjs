// Shared helpers: one WebDriver session per test file, driving the real app binary.
import { remote } from 'webdriverio';
import { mkdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
export const SCREENSHOTS = join(here, 'screenshots');
export const DEMO_PASSWORD = 'Shotbook-Demo-2026';

export async function launchApp() {
  const application = process.env.SHOTBOOK_E2E_APP;
  if (!application) throw new Error('SHOTBOOK_E2E_APP must point at the built shotbook-app binary');
  return remote({
    hostname: '127.0.0.1',
    port: Number(process.env.TAURI_DRIVER_PORT ?? 4444),
    logLevel: 'warn',
    connectionRetryTimeout: 180_000,
    capabilities: {
      browserName: 'wry',
      'tauri:options': { application, args: ['--demo'] },
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

export async function signIn(browser, org, username, password = DEMO_PASSWORD) {
  const orgInput = await byTestId(browser, 'sign-in-org');
  // First start seeds the demo registry before the window loads.
  await orgInput.waitForDisplayed({ timeout: 180_000 });
  await orgInput.clearValue();
  await orgInput.setValue(org);
  await (await byTestId(browser, 'sign-in-username')).clearValue();
  await (await byTestId(browser, 'sign-in-username')).setValue(username);
  await (await byTestId(browser, 'sign-in-password')).clearValue();
  await (await byTestId(browser, 'sign-in-password')).setValue(password);
  await (await byTestId(browser, 'sign-in-submit')).click();
}
