// A workstation on a registry server, in the real app: sign-in goes to the registry, the
// replica downloads the clinic's clients, the registry goes down, a dose is recorded anyway
// ("Offline since … · 1 change waiting"), the registry comes back, the dose reaches it exactly
// once. The registry is the real server binary on its own PostgreSQL database, over HTTPS with
// a certificate made here (both starts serve the same one, as a real registry would).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { request as httpsRequest } from 'node:https';
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchApp, byTestId, screenshot, signIn, agreeIfAsked, DEMO_PASSWORD } from './app.mjs';

const SERVER = process.env.SHOTBOOK_E2E_SERVER;
const PG = process.env.SHOTBOOK_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const HL7 = new URL('../../../shared/data/hl7/01-vxu-z22-nist-iz-ad-2.1.hl7', import.meta.url);

const dir = mkdtempSync(join(tmpdir(), 'shotbook-sync-e2e-'));
const cert = join(dir, 'cert.pem');
const key = join(dir, 'key.pem');
const database = new URL(PG);
database.pathname = `/shotbook_e2e_${randomUUID().replaceAll('-', '')}`;
const env = { ...process.env, DATABASE_URL: database.toString(), RUST_LOG: 'warn' };
let port;
let base;
let server;
let browser;

/** One HTTPS request trusting only the registry's certificate: status and body text. */
function call(method, path, { headers = {}, body } = {}) {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      `${base}${path}`,
      { method, headers, ca: readFileSync(cert), timeout: 10_000 },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode, text, json: () => JSON.parse(text) }));
      },
    );
    req.on('error', reject);
    req.on('timeout', () => req.destroy(new Error('timeout')));
    if (body !== undefined) req.write(body);
    req.end();
  });
}

function startServer() {
  server = spawn(
    SERVER,
    ['serve', '--listen', `127.0.0.1:${port}`, '--tls-cert', cert, '--tls-key', key],
    { env, stdio: ['ignore', 'ignore', 'inherit'] },
  );
}

async function stopServer() {
  const exited = new Promise((resolve) => server.once('exit', resolve));
  server.kill('SIGKILL');
  await exited;
}

async function waitForServer() {
  for (let i = 0; i < 200; i++) {
    try {
      if ((await call('GET', '/health')).status === 200) return;
    } catch {
      // not yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('the registry server did not start');
}

/** An access token for tx.provider from a device made here. */
async function accessToken() {
  const { publicKey } = generateKeyPairSync('ed25519');
  const raw = publicKey.export({ format: 'der', type: 'spki' }).subarray(-32);
  const answer = await call('POST', '/v1/sign-in', {
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      organizationCode: 'TX0001',
      username: 'tx.provider',
      password: DEMO_PASSWORD,
      device: { publicKey: raw.toString('base64url'), name: 'E2E-CHECK' },
      acceptConfidentiality: true,
    }),
  });
  assert.equal(answer.status, 200, answer.text);
  return answer.json().accessToken;
}

before(async () => {
  assert.ok(SERVER, 'SHOTBOOK_E2E_SERVER must point at the built shotbook-server binary');
  execFileSync('openssl', [
    'req', '-x509', '-new', '-nodes', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1',
    '-keyout', key, '-out', cert, '-days', '2', '-subj', '/CN=127.0.0.1',
    '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost',
    '-addext', 'basicConstraints=critical,CA:FALSE', '-addext', 'extendedKeyUsage=serverAuth',
    '-config', '/dev/null',
  ], { stdio: 'ignore' });
  // One token key for both starts, as every process of a real registry shares one.
  env.SHOTBOOK_TOKEN_KEY = execFileSync(SERVER, ['new-token-key'], { encoding: 'utf8' }).trim();
  execFileSync(SERVER, ['migrate', '--create-database'], { env, stdio: 'ignore' });
  execFileSync(SERVER, ['seed-demo'], { env, stdio: 'ignore' });
  port = 20000 + Math.floor(Math.random() * 20000);
  base = `https://127.0.0.1:${port}`;
  startServer();
  await waitForServer();
  // An EHR reports an adult's history to the registry: the clinic's replica will hold her.
  const answer = await call('POST', '/v1/hl7/vxu', {
    headers: { 'content-type': 'application/hl7-v2', authorization: `Bearer ${await accessToken()}` },
    body: readFileSync(HL7, 'utf8'),
  });
  assert.equal(answer.status, 200, answer.text);
  browser = await launchApp([
    '--db', join(dir, 'workstation.sqlite'),
    '--registry', base,
    '--registry-certificate', cert,
  ]);
});

after(async () => {
  await browser?.deleteSession();
  if (server && server.exitCode === null) await stopServer();
  try {
    execFileSync('psql', [PG, '-c', `DROP DATABASE IF EXISTS ${database.pathname.slice(1)} WITH (FORCE)`], {
      stdio: 'ignore',
    });
  } catch {
    // a leftover test database is harmless
  }
  rmSync(dir, { recursive: true, force: true });
});

async function summary() {
  // textContent: WebKitWebDriver reads an ellipsis-styled span as empty.
  return ((await (await byTestId(browser, 'sync-summary')).getProperty('textContent')) ?? '').trim();
}

test('sign-in goes to the registry and the replica holds the clinic’s client', async () => {
  await signIn(browser, 'TX0001', 'tx.provider');
  assert.ok(await agreeIfAsked(browser, { timeout: 60_000 }));
  const indicator = await byTestId(browser, 'sync-indicator');
  await indicator.waitForDisplayed({ timeout: 30_000 });
  await browser.waitUntil(async () => (await indicator.getAttribute('data-state')) === 'synced', {
    timeout: 60_000,
    timeoutMsg: 'the first download did not finish',
  });
  assert.match(await summary(), /Synced \d\d:\d\d/);
  assert.equal(
    await (await byTestId(browser, 'sync-needs-review')).isExisting(),
    false,
    'signing in pushes nothing for review',
  );
  await (await byTestId(browser, 'menu-search')).click();
  await (await byTestId(browser, 'search-last-name')).setValue('Wong');
  await (await byTestId(browser, 'search-dob')).setValue('06/15/1983');
  await (await byTestId(browser, 'search-submit')).click();
  await (await byTestId(browser, 'client-name')).waitForDisplayed({ timeout: 15_000 });
  assert.ok((await browser.$$('[data-testid="immunization-row"]')).length >= 1, 'her doses came with her');
  // Online too, a workstation's search covers the replica only, and says so.
  await (await byTestId(browser, 'menu-search')).click();
  await (await byTestId(browser, 'search-last-name')).waitForDisplayed({ timeout: 10_000 });
  await (await byTestId(browser, 'search-last-name')).setValue('Zuniga');
  await (await byTestId(browser, 'search-submit')).click();
  await (await byTestId(browser, 'search-replica')).waitForDisplayed({ timeout: 15_000 });
  await (await byTestId(browser, 'search-last-name')).clearValue();
  await (await byTestId(browser, 'search-last-name')).setValue('Wong');
  await (await byTestId(browser, 'search-submit')).click();
  await (await byTestId(browser, 'client-name')).waitForDisplayed({ timeout: 15_000 });
  await screenshot(browser, '70-sync-replica-synced');
});

test('with the registry down a dose is recorded anyway and reaches it once when it returns', async () => {
  await stopServer();
  await (await byTestId(browser, 'sync-now')).click();
  const indicator = await byTestId(browser, 'sync-indicator');
  await browser.waitUntil(async () => (await indicator.getAttribute('data-state')) === 'offline', {
    timeout: 30_000,
    timeoutMsg: 'the menu bar did not say offline',
  });

  // Offline, a search says it covered this workstation's records only.
  await (await byTestId(browser, 'menu-search')).click();
  const last = await byTestId(browser, 'search-last-name');
  await last.waitForDisplayed({ timeout: 10_000 });
  await last.setValue('Zuniga');
  await (await byTestId(browser, 'search-dob')).setValue('01/02/2003');
  await (await byTestId(browser, 'search-submit')).click();
  const local = await byTestId(browser, 'search-offline');
  await local.waitForDisplayed({ timeout: 15_000 });
  assert.match(await local.getText(), /only the records kept on this workstation/);
  await screenshot(browser, '70b-sync-offline-search');
  await last.clearValue();
  await last.setValue('Wong');
  const dob = await byTestId(browser, 'search-dob');
  await dob.clearValue();
  await dob.setValue('06/15/1983');
  await (await byTestId(browser, 'search-submit')).click();
  await (await byTestId(browser, 'client-name')).waitForDisplayed({ timeout: 15_000 });

  await (await byTestId(browser, 'add-historical-doses')).click();
  await (await byTestId(browser, 'historical-form')).waitForDisplayed({ timeout: 10_000 });
  const cvx = await browser.$$('[data-testid="historical-cvx"]');
  await browser.waitUntil(async () => (await cvx[0].$$('option')).length > 100, { timeout: 15_000 });
  await cvx[0].selectByAttribute('value', '03');
  await (await browser.$$('[data-testid="historical-date"]'))[0].setValue('05/02/1985');
  await (await byTestId(browser, 'historical-save')).click();
  const notice = await byTestId(browser, 'dose-notice');
  await notice.waitForDisplayed({ timeout: 20_000 });
  await browser.waitUntil(async () => /1 change\(s\) waiting/.test(await summary()), {
    timeout: 15_000,
    timeoutMsg: 'the waiting change is not shown',
  });
  assert.match(await summary(), /Offline since \d\d:\d\d · 1 change\(s\) waiting/);
  await screenshot(browser, '71-sync-offline-dose-waiting');

  startServer();
  await waitForServer();
  await (await byTestId(browser, 'sync-now')).click();
  await browser.waitUntil(async () => (await indicator.getAttribute('data-state')) === 'synced', {
    timeout: 60_000,
    timeoutMsg: 'the dose did not reach the registry',
  });
  await screenshot(browser, '72-sync-back-online');

  // At the registry: her MMR of 05/02/1985, once.
  const token = await accessToken();
  const search = await call('POST', '/v1/clients/search/basic', {
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ lastName: 'Wong', dateOfBirth: '06/15/1983' }),
  });
  assert.equal(search.status, 200, search.text);
  const [client] = search.json().clients;
  const history = await call('GET', `/v1/clients/${client.id}/immunizations`, {
    headers: { authorization: `Bearer ${token}` },
  });
  assert.equal(history.status, 200, history.text);
  const doses = history.json().filter(
    (d) => d.cvx === '03' && !d.voided && ['05/02/1985', '1985-05-02'].includes(d.administeredOn),
  );
  assert.equal(doses.length, 1, JSON.stringify(doses));
});
